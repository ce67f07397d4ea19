package io.postbridge.smtp;

import static io.postbridge.it.PostbridgeJames.SUBMISSION;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerExtension;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.postbridge.core.fakes.FakeUpstream;
import io.postbridge.it.ApiDeliverySupport;
import io.postbridge.it.Events;
import io.postbridge.it.PostbridgeJames;
import io.postbridge.it.WebAdmin;

/**
 * {@code firstAttempt=queued}: SmtpDelivery puts every mail into its queue before any attempt, as it does when no
 * {@code inlineAttempts} permit is free (the same branch): each mail enters {@code postbridge-smtp} once and is
 * delivered once from there, with the same events as a first attempt made from the spool.
 */
class SmtpDeliveryQueuedFirstAttemptTest {
    private static final ConditionFactory AWAIT = Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100));
    private static final FakeUpstream upstream = FakeUpstream.startPlain();

    @RegisterExtension
    static JamesServerExtension james = PostbridgeJames.extension(conf -> {
        conf.relayThrough("127.0.0.1:" + upstream.port(), "1 second");
        conf.mailetParameter("io.postbridge.mailets.SmtpDelivery", "firstAttempt", "queued");
    });

    private static int submission;
    private static WebAdmin webAdmin;


    @BeforeAll
    static void setUp() throws Exception {
        GuiceJamesServer server = james.getGuiceJamesServer();
        submission = PostbridgeJames.smtpPorts(server).get(SUBMISSION);
        webAdmin = PostbridgeJames.webAdmin(server);
        webAdmin.addUser("alice@example.com", "pw-alice");
    }

    @AfterAll
    static void stop() throws Exception {
        upstream.close();
    }

    private static String send(String id) throws Exception {
        byte[] message = ("From: alice@example.com\r\nTo: bob@remote.test\r\nSubject: " + id + "\r\nMessage-ID: <" + id + ">\r\n\r\nhi\r\n")
            .getBytes(StandardCharsets.US_ASCII);
        return ApiDeliverySupport.submit(submission, "alice@example.com", "pw-alice", List.of("bob@remote.test"), message);
    }

    /** Mails ever enqueued into SmtpDelivery's queue (James's counter, Prometheus text format of GET /metrics). */
    private static long enqueuedForDelivery() throws Exception {
        java.net.http.HttpResponse<String> metrics = webAdmin.get("/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        for (String line : metrics.body().split("\\n")) {
            if (line.startsWith("enqueuedMail:postbridge_smtp ") || line.startsWith("enqueuedMail:postbridge_smtp_total ")) {
                return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no enqueuedMail:postbridge_smtp in GET /metrics");
    }

    @Test
    void everyMailEntersTheDeliveryQueueOnceAndIsDeliveredOnceFromThere() throws Exception {
        long enqueuedBefore = enqueuedForDelivery();
        for (int i = 0; i < 3; i++) {
            assertThat(send("queued-" + i + "@test")).startsWith("250");
        }
        for (int i = 0; i < 3; i++) {
            String id = "queued-" + i + "@test";
            AWAIT.until(() -> Events.typesFor(webAdmin, id).contains("delivered"));
            assertThat(Events.typesFor(webAdmin, id)).containsExactly("received", "queued", "delivered");
            assertThat(Events.eventsFor(webAdmin, id).get(2).path("detail").asText())
                .contains("smarthost 127.0.0.1:" + upstream.port()).contains("250 2.0.0 Ok: queued as");
            List<FakeUpstream.Received> copies = upstream.received().stream().filter(r -> r.text().contains("Message-ID: <" + id + ">"))
                .collect(Collectors.toList());
            assertThat(copies).hasSize(1);
        }
        assertThat(enqueuedForDelivery() - enqueuedBefore).isEqualTo(3);
    }
}
