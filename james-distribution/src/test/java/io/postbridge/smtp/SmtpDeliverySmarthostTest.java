package io.postbridge.smtp;

import static io.postbridge.it.PostbridgeJames.SUBMISSION;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerExtension;
import org.apache.james.utils.WebAdminGuiceProbe;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

import io.postbridge.core.fakes.FakeUpstream;
import io.postbridge.it.ApiDeliverySupport;
import io.postbridge.it.Events;
import io.postbridge.it.PostbridgeJames;
import io.postbridge.it.WebAdmin;

/**
 * The repository's conf/ with SmtpDelivery relaying through a smarthost (the scriptable fake upstream), in a real
 * in-process James: connections are reused, per-recipient answers give delivery, retry and DSN, a 421 or a dropped
 * connection loses and duplicates nothing. The first attempt is made from the spool, so a mail delivered at once is
 * enqueued durably once (the spool) and never reaches the delivery queue {@code postbridge-smtp}; only what is left
 * to retry does (James's {@code enqueuedMail:postbridge-smtp} counter in WebAdmin's {@code /metrics}).
 */
class SmtpDeliverySmarthostTest {
    private static final ConditionFactory AWAIT = Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100));
    private static final FakeUpstream upstream = FakeUpstream.startPlain();

    @RegisterExtension
    static JamesServerExtension james = PostbridgeJames.extension(conf -> {
        conf.relayThrough("127.0.0.1:" + upstream.port(), "1 second");
        conf.mailetParameter("io.postbridge.mailets.SmtpDelivery", "connectionsPerDestination", "1");
        conf.mailetParameter("io.postbridge.mailets.SmtpDelivery", "maxConnectionIdle", "1 minute");
        ApiDeliverySupport.captureDsns(conf);
        conf.mailetParameter("io.postbridge.mailets.SmtpDelivery", "onSuccess", "smtp-delivered");
        conf.mailetParameter("io.postbridge.mailets.SmtpDelivery", "onFailure", "smtp-failed");
        conf.xml("mailetcontainer.xml", doc -> {
            org.w3c.dom.Element processors = (org.w3c.dom.Element) io.postbridge.it.ConfFolder.select(doc, "//processors").item(0);
            for (String state : List.of("smtp-delivered", "smtp-failed")) {
                org.w3c.dom.Element processor = doc.createElement("processor");
                processor.setAttribute("state", state);
                org.w3c.dom.Element mailet = doc.createElement("mailet");
                mailet.setAttribute("match", "All");
                mailet.setAttribute("class", "ToRepository");
                io.postbridge.it.ConfFolder.appendChild(mailet, "repositoryPath", "memory://var/mail/" + state + "/");
                processor.appendChild(mailet);
                processors.appendChild(processor);
            }
        });
    });

    private static int submission;
    private static WebAdmin webAdmin;
    private static int webAdminPort;


    @BeforeAll
    static void setUp() throws Exception {
        GuiceJamesServer server = james.getGuiceJamesServer();
        submission = PostbridgeJames.smtpPorts(server).get(SUBMISSION);
        webAdminPort = server.getProbe(WebAdminGuiceProbe.class).getWebAdminPort().getValue();
        webAdmin = new WebAdmin(webAdminPort);
        webAdmin.addUser("alice@example.com", "pw-alice");
    }

    @AfterAll
    static void stop() throws Exception {
        upstream.close();
    }

    private static byte[] message(String id, String to) {
        return ("From: alice@example.com\r\nTo: " + to + "\r\nSubject: " + id + "\r\nMessage-ID: <" + id + ">\r\n\r\nhello " + id + "\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    }

    private static String send(String id, String... recipients) throws Exception {
        return ApiDeliverySupport.submit(submission, "alice@example.com", "pw-alice", List.of(recipients), message(id, recipients[0]));
    }

    /** The mails of a memory repository as WebAdmin describes them (recipients, attributes). */
    private static List<String> repositoryMailsJson(String repository) throws Exception {
        String path = "/mailRepositories/" + java.net.URLEncoder.encode(repository, StandardCharsets.UTF_8) + "/mails";
        java.net.http.HttpResponse<String> list = webAdmin.get(path);
        if (list.statusCode() != 200) {
            return List.of();
        }
        List<String> mails = new java.util.ArrayList<>();
        for (JsonNode key : WebAdmin.parse(list.body())) {
            mails.add(webAdmin.get(path + "/" + java.net.URLEncoder.encode(key.asText(), StandardCharsets.UTF_8)
                + "?additionalFields=attributes").body());
        }
        return mails;
    }

    private static List<FakeUpstream.Received> receivedWith(String id) {
        return upstream.received().stream().filter(r -> r.text().contains("Message-ID: <" + id + ">")).collect(Collectors.toList());
    }

    @Test
    void twentyMessagesShareOnePooledConnectionAndTheEventNamesTheRouteAndReply() throws Exception {
        int acceptsBefore = upstream.accepts();
        for (int i = 0; i < 20; i++) {
            assertThat(send("pool-" + i + "@test", "bob@remote.test")).startsWith("250");
        }
        AWAIT.untilAsserted(() -> assertThat(upstream.received().stream().filter(r -> r.text().contains("<pool-"))).hasSize(20));
        assertThat(upstream.accepts() - acceptsBefore).isLessThanOrEqualTo(1);
        for (int i = 0; i < 20; i++) {
            assertThat(receivedWith("pool-" + i + "@test")).hasSize(1);
        }
        AWAIT.until(() -> Events.typesFor(webAdmin, "pool-7@test").contains("delivered"));
        assertThat(Events.typesFor(webAdmin, "pool-7@test")).containsExactly("received", "queued", "delivered");
        JsonNode delivered = Events.eventsFor(webAdmin, "pool-7@test").get(2);
        assertThat(delivered.path("detail").asText()).contains("smarthost 127.0.0.1:" + upstream.port()).contains("250 2.0.0 Ok: queued as");
    }

    @Test
    void a451IsRetriedAndA550GetsADsnWhileTheThirdRecipientIsDeliveredOnce() throws Exception {
        upstream.rcptReply("later@remote.test", "451 4.3.0 mailbox busy").rcptReply("gone@remote.test", "550 5.1.1 no such user");
        try {
            assertThat(send("partial@test", "ok@remote.test", "later@remote.test", "gone@remote.test")).startsWith("250");
            AWAIT.untilAsserted(() -> assertThat(Events.typesFor(webAdmin, "partial@test")).contains("delivered", "bounced", "deferred"));
            List<JsonNode> events = Events.eventsFor(webAdmin, "partial@test");
            JsonNode bounced = events.stream().filter(e -> e.path("type").asText().equals("bounced")).findFirst().orElseThrow();
            assertThat(bounced.toString()).contains("gone@remote.test").contains("5.1.1").doesNotContain("ok@remote.test");
            JsonNode deferred = events.stream().filter(e -> e.path("type").asText().equals("deferred")).findFirst().orElseThrow();
            assertThat(deferred.toString()).contains("later@remote.test").contains("451 4.3.0 mailbox busy");
            AWAIT.untilAsserted(() -> assertThat(ApiDeliverySupport.repositoryMails(webAdmin, webAdminPort, ApiDeliverySupport.DSN_REPOSITORY)
                .stream().map(m -> new String(m, StandardCharsets.UTF_8))
                .filter(m -> m.contains("gone@remote.test") && m.contains("partial@test"))).hasSize(1));
            // the outcome processors get the recipients concerned, the failed ones with RemoteDelivery's attributes
            AWAIT.untilAsserted(() -> assertThat(repositoryMailsJson("var/mail/smtp-failed/"))
                .anySatisfy(m -> assertThat(m).contains("gone@remote.test").contains("is-delivery-permanent-error").contains("5.1.1")
                    .doesNotContain("ok@remote.test")));
            assertThat(repositoryMailsJson("var/mail/smtp-delivered/"))
                .anySatisfy(m -> assertThat(m).contains("ok@remote.test").doesNotContain("gone@remote.test"));
        } finally {
            upstream.clearRcptReply("later@remote.test");
        }
        // the retry delivers the deferred recipient only: nobody receives the message twice
        AWAIT.untilAsserted(() -> assertThat(receivedWith("partial@test").stream().flatMap(r -> r.recipients.stream()))
            .containsExactlyInAnyOrder("ok@remote.test", "later@remote.test"));
        assertThat(receivedWith("partial@test")).hasSize(2);
    }

    /** Mails ever enqueued into SmtpDelivery's queue (James's counter, Prometheus text format of GET /metrics). */
    private static long enqueuedForDelivery() throws Exception {
        java.net.http.HttpResponse<String> metrics = webAdmin.get("/metrics");
        assertThat(metrics.statusCode()).isEqualTo(200);
        for (String line : metrics.body().split("\n")) {
            if (line.startsWith("enqueuedMail:postbridge_smtp ") || line.startsWith("enqueuedMail:postbridge_smtp_total ")) {
                return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no enqueuedMail:postbridge_smtp in GET /metrics");
    }

    @Test
    void aMailDeliveredAtTheFirstAttemptIsNeverEnqueuedForDelivery() throws Exception {
        long enqueuedBefore = enqueuedForDelivery();
        for (int i = 0; i < 5; i++) {
            assertThat(send("once-" + i + "@test", "bob@remote.test")).startsWith("250");
        }
        for (int i = 0; i < 5; i++) {
            String id = "once-" + i + "@test";
            AWAIT.until(() -> Events.typesFor(webAdmin, id).contains("delivered"));
            assertThat(Events.typesFor(webAdmin, id)).containsExactly("received", "queued", "delivered");
            assertThat(receivedWith(id)).hasSize(1);
        }
        // the spool's durable enqueue was the only one: postbridge-smtp never saw these mails
        assertThat(enqueuedForDelivery()).isEqualTo(enqueuedBefore);
        assertThat(Events.eventsFor(webAdmin, "once-3@test").get(2).path("detail").asText())
            .contains("smarthost 127.0.0.1:" + upstream.port()).contains("250 2.0.0 Ok: queued as");
    }

    @Test
    void a451AtTheFirstAttemptIsQueuedForTheRetryAndDeliveredOnce() throws Exception {
        long enqueuedBefore = enqueuedForDelivery();
        upstream.rcptReply("busy@remote.test", "451 4.2.1 mailbox busy");
        try {
            assertThat(send("busy@test", "busy@remote.test")).startsWith("250");
            AWAIT.until(() -> Events.typesFor(webAdmin, "busy@test").contains("deferred"));
            JsonNode deferred = Events.eventsFor(webAdmin, "busy@test").stream()
                .filter(e -> e.path("type").asText().equals("deferred")).findFirst().orElseThrow();
            // the first attempt, made from the spool, is attempt 1 with the remote reply, as a queued one would be
            assertThat(deferred.path("detail").asText()).contains("451 4.2.1 mailbox busy").contains("attempt 1,");
            assertThat(enqueuedForDelivery() - enqueuedBefore).isGreaterThanOrEqualTo(1);
        } finally {
            upstream.clearRcptReply("busy@remote.test");
        }
        AWAIT.untilAsserted(() -> assertThat(receivedWith("busy@test")).hasSize(1));
        AWAIT.until(() -> Events.typesFor(webAdmin, "busy@test").contains("delivered"));
        List<String> types = Events.typesFor(webAdmin, "busy@test");
        assertThat(types).startsWith("received", "queued", "deferred").endsWith("delivered").doesNotContain("bounced");
        // one enqueue into postbridge-smtp per deferral (the retry), none for the first attempt; one copy delivered
        assertThat(enqueuedForDelivery() - enqueuedBefore).isEqualTo(types.stream().filter("deferred"::equals).count());
        assertThat(receivedWith("busy@test")).hasSize(1);
    }

    @Test
    void after421AndADroppedConnectionNothingIsLostOrDuplicated() throws Exception {
        upstream.close421AfterMessages(3);
        try {
            for (int i = 0; i < 8; i++) {
                assertThat(send("r421-" + i + "@test", "bob@remote.test")).startsWith("250");
            }
            AWAIT.untilAsserted(() -> {
                for (int i = 0; i < 8; i++) {
                    assertThat(receivedWith("r421-" + i + "@test")).hasSize(1);
                }
            });
        } finally {
            upstream.close421AfterMessages(0);
        }
        upstream.dropAll();
        assertThat(send("after-drop@test", "bob@remote.test")).startsWith("250");
        AWAIT.untilAsserted(() -> assertThat(receivedWith("after-drop@test")).hasSize(1));
        AWAIT.until(() -> Events.typesFor(webAdmin, "after-drop@test").contains("delivered"));
        assertThat(Events.typesFor(webAdmin, "after-drop@test")).doesNotContain("deferred");
    }
}
