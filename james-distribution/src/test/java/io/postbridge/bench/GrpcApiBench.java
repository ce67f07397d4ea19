package io.postbridge.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.grpc.ManagedChannel;
import io.postbridge.api.GrpcClients;
import io.postbridge.api.v1.MailServiceGrpc;
import io.postbridge.api.v1.OtpServiceGrpc;
import io.postbridge.api.v1.SendCodeRequest;
import io.postbridge.api.v1.SendMailRequest;
import io.postbridge.api.v1.ValidateCodeRequest;
import io.postbridge.it.Accounts;
import io.postbridge.it.ConfFolder;
import io.postbridge.it.FakeMx;
import io.postbridge.it.Ports;
import io.postbridge.it.ServerProcess;
import io.postbridge.it.SmtpClient;
import io.postbridge.it.WebAdmin;

/**
 * Benchmark, not a test ({@code mvn -B -Pbench verify -pl james-distribution -am -Dit.test=GrpcApiBench}; no timing
 * assertions). On the assembled server (durable spool), one account, the same ~1 KB message:
 * <ol>
 * <li>SendMail calls/s until durably queued (the call returns after the spool holds the mail), N client threads on one
 * TLS channel;</li>
 * <li>SMTP submissions/s of the same message by the same account (STARTTLS + AUTH, then many messages per connection,
 * 250 = on disk), N connections, in the same run;</li>
 * <li>ValidateCode calls/s (right codes, each consumed once).</li>
 * </ol>
 * Sizes: {@code -Dbench.messages=1000 -Dbench.connections=8 -Dbench.codes=300}.
 */
class GrpcApiBench {
    private static final int MESSAGES = Integer.getInteger("bench.messages", 1000);
    private static final int CONNECTIONS = Integer.getInteger("bench.connections", 8);
    private static final int CODES = Integer.getInteger("bench.codes", 300);
    private static final String BODY = "x".repeat(900);

    @TempDir
    Path tmp;

    @Test
    void run() throws Exception {
        FakeMx mx = new FakeMx();
        mx.start();
        Ports ports = new Ports();
        int grpcPort = FakeMx.freePort();
        List<String> report = new ArrayList<>();
        try (ServerProcess server = ServerProcess.postbridge(tmp.resolve("server"))) {
            ConfFolder conf = ports.applyTo(server.conf()).relayThrough(mx.hostAndPort(), "1 second");
            conf.property("postbridge.properties", "api.grpc.enabled", "true").property("postbridge.properties", "api.grpc.host", "127.0.0.1")
                .property("postbridge.properties", "api.grpc.port", Integer.toString(grpcPort))
                .property("postbridge.properties", "otp.resendInterval", "0");
            server.start().awaitLog(ServerProcess.READY);
            WebAdmin webAdmin = ports.webAdmin();
            Accounts accounts = new Accounts(webAdmin);
            accounts.create("bench").allowSender("bench", "@example.com")
                .limits("bench", "{\"messagesPerMinute\": 100000000, \"recipientsPerDay\": 100000000}");
            String key = accounts.issueKey("bench").key;
            ManagedChannel channel = GrpcClients.tls(grpcPort, server.conf().dir().resolve("keystore"), "postbridge-change-me");
            try {
                MailServiceGrpc.MailServiceBlockingStub mail = MailServiceGrpc.newBlockingStub(channel).withCallCredentials(GrpcClients.bearer(key));
                SendMailRequest request = SendMailRequest.newBuilder().addTo("sink@remote.test").setFrom("bench@example.com")
                    .setSubject("bench").setText(BODY).build();
                parallel(50, () -> mail.sendMail(request)); // warm-up
                parallel(50, () -> smtp(ports.submission, key, 1));

                long grpcNanos = parallel(MESSAGES, () -> mail.sendMail(request));
                long smtpNanos = parallel(CONNECTIONS, () -> smtp(ports.submission, key, MESSAGES / CONNECTIONS));

                OtpServiceGrpc.OtpServiceBlockingStub otp = OtpServiceGrpc.newBlockingStub(channel).withCallCredentials(GrpcClients.bearer(key));
                for (int i = 0; i < CODES; i++) {
                    otp.sendCode(SendCodeRequest.newBuilder().setEmail("user" + i + "@remote.test").setFrom("bench@example.com").build());
                }
                Pattern code = Pattern.compile("Your code is ([0-9]+)");
                Awaitility.await().atMost(Duration.ofMinutes(10)).until(() -> mx.messages().stream()
                    .filter(m -> m.getEnvelopeReceiver().startsWith("user")).count() >= CODES);
                List<String[]> codes = new ArrayList<>();
                mx.messages().stream().filter(m -> m.getEnvelopeReceiver().startsWith("user")).forEach(m -> {
                    Matcher found = code.matcher(new String(m.getData(), StandardCharsets.UTF_8));
                    if (found.find()) {
                        codes.add(new String[] {m.getEnvelopeReceiver(), found.group(1)});
                    }
                });
                AtomicInteger next = new AtomicInteger();
                AtomicInteger valid = new AtomicInteger();
                long validateNanos = parallel(codes.size(), () -> {
                    String[] pair = codes.get(next.getAndIncrement());
                    if (otp.validateCode(ValidateCodeRequest.newBuilder().setEmail(pair[0]).setCode(pair[1]).build()).getValid()) {
                        valid.incrementAndGet();
                    }
                });

                report.add(String.format(Locale.ROOT, "Postbridge gRPC API benchmark: %d messages of ~1 KB, %d client threads / SMTP connections, %d cores",
                    MESSAGES, CONNECTIONS, Runtime.getRuntime().availableProcessors()));
                report.add(String.format(Locale.ROOT, "SendMail until durably queued:            %8.1f calls/s", MESSAGES / (grpcNanos / 1e9)));
                report.add(String.format(Locale.ROOT, "SMTP submission (same message, account):  %8.1f msg/s", (MESSAGES / CONNECTIONS * CONNECTIONS) / (smtpNanos / 1e9)));
                report.add(String.format(Locale.ROOT, "ValidateCode (right codes, %d of %d valid): %8.1f calls/s", valid.get(), codes.size(),
                    codes.size() / (validateNanos / 1e9)));
            } finally {
                GrpcClients.close(channel);
            }
        } finally {
            mx.stop();
        }
        report.forEach(System.out::println);
        Files.write(Path.of("target/bench-grpc-results.txt"), report);
    }

    private interface Work {
        void run() throws Exception;
    }

    /** Runs {@code tasks} units of work on {@link #CONNECTIONS} threads; the elapsed nanoseconds. */
    private static long parallel(int tasks, Work work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS);
        try {
            List<Future<?>> futures = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < tasks; i++) {
                futures.add(pool.submit(() -> {
                    work.run();
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
            return System.nanoTime() - start;
        } finally {
            pool.shutdownNow();
        }
    }

    private static void smtp(int port, String key, int messages) throws Exception {
        try (SmtpClient smtp = SmtpClient.connect(port)) {
            smtp.ehlo();
            smtp.startTls();
            if (!smtp.authPlain("bench", key).startsWith("235")) {
                throw new IllegalStateException("AUTH refused");
            }
            for (int i = 0; i < messages; i++) {
                String reply = smtp.send("bench@example.com", "sink@remote.test",
                    SmtpClient.message("bench@example.com", "sink@remote.test", "bench", "smtp-" + System.nanoTime() + "@bench", BODY));
                if (!reply.startsWith("250")) {
                    throw new IllegalStateException(reply);
                }
            }
        }
    }
}
