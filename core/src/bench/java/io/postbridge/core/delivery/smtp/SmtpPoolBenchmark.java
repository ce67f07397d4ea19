package io.postbridge.core.delivery.smtp;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import io.postbridge.core.delivery.DeliveryOutcome;
import io.postbridge.core.delivery.OutgoingMail;
import io.postbridge.core.fakes.FakeUpstream;

/**
 * Messages per second to a local upstream with STARTTLS + AUTH: pooled connections (one handshake for up to 100
 * messages) against connect-per-message (maxMessagesPerConnection=1: what RemoteDelivery does). 2 KB messages.
 * Run: {@code mvn -B -pl core -Pbench test-compile exec:exec} (add {@code SmtpPoolBenchmark} to the pattern).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
@Fork(1)
public class SmtpPoolBenchmark {
    @Param({"100", "1"})
    public int messagesPerConnection;

    private FakeUpstream upstream;
    private SmtpConnectionPool pool;
    private SmtpSender sender;
    private SmtpRoute route;
    private OutgoingMail mail;

    @Setup(Level.Trial)
    public void start() throws Exception {
        upstream = FakeUpstream.withStartTls().user("bench", "bench-password");
        pool = new SmtpConnectionPool(SmtpPoolSettings.defaults().maxMessages(messagesPerConnection).maxIdle(Duration.ofMinutes(1))
            .connectionsPerRoute(1).verifiedTls(FakeUpstream.clientTrust()));
        sender = new SmtpSender(pool);
        route = SmtpRoute.upstream("bench", "localhost", upstream.port(), SmtpSecurity.STARTTLS, Optional.of("bench"),
            Optional.of("bench-password"));
        StringBuilder body = new StringBuilder();
        while (body.length() < 2048) {
            body.append("The quick brown fox jumps over the lazy dog, again and again.\r\n");
        }
        mail = new OutgoingMail("bench", Optional.of("app@example.com"), List.of("bob@remote.test"),
            ("From: app@example.com\r\nTo: bob@remote.test\r\nSubject: bench\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
        pool.close();
        upstream.close();
    }

    @Benchmark
    public DeliveryOutcome.Kind send() {
        DeliveryOutcome.Kind kind = sender.deliver(List.of(route), mail).byRecipient().get("bob@remote.test").kind();
        if (kind != DeliveryOutcome.Kind.DELIVERED) {
            throw new IllegalStateException("not delivered: " + kind);
        }
        return kind;
    }
}
