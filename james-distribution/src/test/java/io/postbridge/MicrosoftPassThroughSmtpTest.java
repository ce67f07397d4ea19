package io.postbridge;

import static io.postbridge.it.PostbridgeJames.SUBMISSION;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerExtension;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.postbridge.core.fakes.FakeProviders;
import io.postbridge.core.microsoft.MicrosoftAppId;
import io.postbridge.core.testing.FakeEntra;
import io.postbridge.it.ApiDeliverySupport;
import io.postbridge.it.Events;
import io.postbridge.it.FakeMx;
import io.postbridge.it.PostbridgeJames;
import io.postbridge.it.SmtpClient;
import io.postbridge.it.WebAdmin;

/**
 * Microsoft pass-through: SMTP username {@code tenant@client}, password = that Entra app's client secret, checked
 * by getting an app token from (a local fake of) Entra, once per app per token lifetime.
 */
class MicrosoftPassThroughSmtpTest {
    private static final String TENANT = "3f0e1a52-7b1c-4d7e-9a0a-1c2b3d4e5f60";
    private static final String CLIENT = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
    private static final String SECRET = "Xy8Q~fake.client.secret-" + UUID.randomUUID();
    private static final FakeEntra ENTRA = startEntra();
    /** Where the pass-through mail is delivered: Graph (and the identity endpoint ApiDelivery gets its token from). */
    private static final FakeProviders GRAPH = FakeProviders.start().microsoftApp(TENANT, CLIENT, SECRET);

    @RegisterExtension
    @Order(1)
    static FakeMx mx = new FakeMx();

    @RegisterExtension
    @Order(2)
    static JamesServerExtension james = PostbridgeJames.extension(conf -> ApiDeliverySupport.pointAtFakes(
        conf.relayThrough(mx.hostAndPort(), "1 second")
            .property("postbridge.properties", "microsoft.tokenEndpointOverride", ENTRA.baseUrl().toString()), GRAPH, "1 hour"));

    private static int port;
    private static WebAdmin webAdmin;

    private static FakeEntra startEntra() {
        try {
            return new FakeEntra().register(TENANT, CLIENT, SECRET);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeAll
    static void setUp() throws Exception {
        GuiceJamesServer server = james.getGuiceJamesServer();
        port = PostbridgeJames.smtpPorts(server).get(SUBMISSION);
        webAdmin = PostbridgeJames.webAdmin(server);
    }

    @AfterAll
    static void stopEntra() {
        ENTRA.close();
        GRAPH.close();
    }

    private static SmtpClient tls() throws Exception {
        SmtpClient smtp = SmtpClient.connect(port);
        smtp.ehlo();
        smtp.startTls();
        return smtp;
    }

    @Test
    void theAppsClientSecretAuthenticatesWithOneTokenRequestForManySessions() throws Exception {
        int before = ENTRA.tokenRequests().size();
        try (SmtpClient smtp = tls()) {
            assertThat(smtp.authPlain(TENANT + "@" + CLIENT, SECRET)).startsWith("235 2.7.0");
            assertThat(smtp.send("reports@contoso.test", "bob@remote.test",
                SmtpClient.message("reports@contoso.test", "bob@remote.test", "via graph app", "ms-1@test", "pass-through"))).startsWith("250");
        }
        String compact = MicrosoftAppId.compact(UUID.fromString(TENANT)) + "@" + MicrosoftAppId.compact(UUID.fromString(CLIENT));
        for (String username : new String[] {TENANT + "@" + CLIENT + ".local", TENANT + ":" + CLIENT, compact}) {
            try (SmtpClient smtp = tls()) {
                assertThat(smtp.authLogin(username, SECRET)).as(username).startsWith("235 2.7.0");
            }
        }
        assertThat(ENTRA.tokenRequests().size() - before).as("one token request for the app, then its cache").isEqualTo(1);

        // the mail leaves through Microsoft Graph as the app, from the sender's mailbox (not through the MX)
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> GRAPH.delivered().stream()
            .anyMatch(d -> d.uploadedText().contains("<ms-1@test>")));
        assertThat(GRAPH.delivered()).hasSize(1);
        assertThat(GRAPH.delivered().get(0).sentAs).isEqualTo("reports@contoso.test");
        assertThat(GRAPH.microsoftTokenRequests()).as("delivery's own app token, once").isEqualTo(1);
        assertThat(mx.messageIds()).doesNotContain("<ms-1@test>");
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !Events.eventsFor(webAdmin, "ms-1@test").isEmpty());
        assertThat(Events.eventsFor(webAdmin, "ms-1@test").get(0).path("account").asText()).isEqualTo(TENANT + ":" + CLIENT);
        assertThat(webAdmin.get("/postbridge/events?limit=10000").body()).doesNotContain(SECRET);
    }

    @Test
    void aWrongSecretIsRefusedAndAnEntraOutageIsTemporary() throws Exception {
        try (SmtpClient smtp = tls()) {
            assertThat(smtp.authPlain(TENANT + "@" + CLIENT, "not-the-secret")).startsWith("535 5.7.8");
        }
        String otherClient = UUID.randomUUID().toString();
        ENTRA.register(TENANT, otherClient, "other-secret");
        ENTRA.failWith(503);
        try (SmtpClient smtp = tls()) {
            assertThat(smtp.authPlain(TENANT + "@" + otherClient, "other-secret")).startsWith("454 4.7.0");
        } finally {
            ENTRA.failWith(0);
        }
        try (SmtpClient smtp = tls()) {
            assertThat(smtp.authPlain(TENANT + "@" + otherClient, "other-secret")).startsWith("235");
        }
    }

}
