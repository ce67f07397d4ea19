package io.postbridge.smtp;

import static io.postbridge.it.PostbridgeJames.SUBMISSION;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerExtension;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

import io.postbridge.core.fakes.FakeUpstream;
import io.postbridge.it.Events;
import io.postbridge.it.FakeDns;
import io.postbridge.it.PostbridgeJames;
import io.postbridge.it.WebAdmin;

/**
 * SmtpDelivery straight to the recipient domains' mail exchangers, with James's DNS service answering from local
 * records: MX preference order with fallback to the second MX, NXDOMAIN and null MX bounce at once, a resolver
 * failure is retried.
 */
class SmtpDeliveryDirectMxTest {
    private static final ConditionFactory AWAIT = Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100));
    private static final FakeUpstream mx = start();
    private static final FakeDns dns = new FakeDns()
        // mx1 is preferred but nothing listens at its address (127.0.0.2, same port): delivery falls back to mx2
        .mx("remote.test", "mx1.remote.test", "mx2.remote.test")
        .address("mx1.remote.test", "127.0.0.2")
        .address("mx2.remote.test", "127.0.0.1")
        .mx("nullmx.test", ".")
        .failing("broken-dns.test");

    @RegisterExtension
    static JamesServerExtension james = PostbridgeJames.extensionOverriding(conf -> {
        conf.mailetParameter("io.postbridge.mailets.SmtpDelivery", "mxPort", String.valueOf(mx.port()));
        conf.mailetParameter("io.postbridge.mailets.SmtpDelivery", "retryInitialDelay", "1 second");
        conf.mailetParameter("io.postbridge.mailets.SmtpDelivery", "retryMaxDelay", "1 second");
    }, dns.module());

    private static int submission;
    private static WebAdmin webAdmin;

    private static FakeUpstream start() {
        try {
            return FakeUpstream.plain().ehloName("mx2.remote.test");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeAll
    static void setUp() throws Exception {
        GuiceJamesServer server = james.getGuiceJamesServer();
        submission = PostbridgeJames.smtpPorts(server).get(SUBMISSION);
        webAdmin = PostbridgeJames.webAdmin(server);
        webAdmin.addUser("alice@example.com", "pw-alice");
    }

    @AfterAll
    static void stop() throws Exception {
        mx.close();
    }

    private static String send(String id, String to) throws Exception {
        byte[] message = ("From: alice@example.com\r\nTo: " + to + "\r\nSubject: " + id + "\r\nMessage-ID: <" + id + ">\r\n\r\nhi\r\n")
            .getBytes(StandardCharsets.US_ASCII);
        return io.postbridge.it.ApiDeliverySupport.submit(submission, "alice@example.com", "pw-alice", List.of(to), message);
    }

    private static JsonNode event(String id, String type) throws Exception {
        return Events.eventsFor(webAdmin, id).stream().filter(e -> e.path("type").asText().equals(type)).findFirst().orElseThrow();
    }

    @Test
    void theSecondMxTakesTheMailWhenTheFirstIsUnreachable() throws Exception {
        assertThat(send("mx-fallback@test", "bob@remote.test")).startsWith("250");
        AWAIT.untilAsserted(() -> assertThat(mx.received()).anySatisfy(r -> assertThat(r.text()).contains("<mx-fallback@test>")));
        AWAIT.until(() -> Events.typesFor(webAdmin, "mx-fallback@test").contains("delivered"));
        assertThat(event("mx-fallback@test", "delivered").path("detail").asText())
            .contains("mx mx2.remote.test [127.0.0.1]:" + mx.port()).contains("250 2.0.0 Ok");
        assertThat(Events.typesFor(webAdmin, "mx-fallback@test")).doesNotContain("deferred");
    }

    @Test
    void aDomainThatDoesNotExistBouncesAtOnce() throws Exception {
        assertThat(send("nxdomain@test", "bob@nowhere.test")).startsWith("250");
        AWAIT.until(() -> Events.typesFor(webAdmin, "nxdomain@test").contains("bounced"));
        assertThat(Events.typesFor(webAdmin, "nxdomain@test")).doesNotContain("deferred");
        assertThat(event("nxdomain@test", "bounced").path("detail").asText()).contains("5.1.2").contains("nowhere.test");
    }

    @Test
    void aNullMxBouncesAtOnce() throws Exception {
        assertThat(send("nullmx@test", "bob@nullmx.test")).startsWith("250");
        AWAIT.until(() -> Events.typesFor(webAdmin, "nullmx@test").contains("bounced"));
        assertThat(Events.typesFor(webAdmin, "nullmx@test")).doesNotContain("deferred");
        assertThat(event("nullmx@test", "bounced").path("detail").asText()).contains("5.1.10").contains("null MX");
    }

    @Test
    void aResolverFailureIsRetriedNotBounced() throws Exception {
        assertThat(send("dns-fail@test", "bob@broken-dns.test")).startsWith("250");
        AWAIT.until(() -> Events.typesFor(webAdmin, "dns-fail@test").stream().filter("deferred"::equals).count() >= 2);
        assertThat(Events.typesFor(webAdmin, "dns-fail@test")).doesNotContain("bounced");
        assertThat(event("dns-fail@test", "deferred").path("detail").asText()).contains("DNS lookup").contains("broken-dns.test");
    }
}
