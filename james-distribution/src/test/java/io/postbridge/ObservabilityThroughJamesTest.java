package io.postbridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerExtension;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

import io.postbridge.core.apikeys.Pepper;
import io.postbridge.core.delivery.InMemoryProviderAccounts;
import io.postbridge.core.delivery.ProviderAccount;
import io.postbridge.core.fakes.FakeProviders;
import io.postbridge.core.fakes.TestMessages;
import io.postbridge.core.secrets.MasterKey;
import io.postbridge.core.secrets.MasterKeyRing;
import io.postbridge.core.settings.PostbridgeSettings;
import io.postbridge.it.ApiDeliverySupport;
import io.postbridge.it.ExtensionProbe;
import io.postbridge.it.FakeMx;
import io.postbridge.it.PostbridgeJames;
import io.postbridge.it.PrivatePostgres;
import io.postbridge.it.SmtpClient;
import io.postbridge.it.WebAdmin;

/**
 * What an operator scrapes and probes on the Postbridge server (sample configuration): WebAdmin {@code GET /metrics}
 * shows Postbridge's series moving under their documented names when mail flows, and {@code GET /healthcheck} says
 * healthy, then degraded with the cause when an account's refresh token is revoked at the provider, then 503 while
 * the store (a PostgreSQL of the test's own, when installed) is stopped, and 200 again when it is back. One server
 * start for all of it; the tests run in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ObservabilityThroughJamesTest {
    private static final String CLIENT = "client.apps.googleusercontent.com";
    private static final String USER = "app@example.com";
    private static final ConditionFactory AWAIT = Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250));
    private static final List<String> POSTBRIDGE_CHECKS = List.of("Postbridge:store", "Postbridge:master-key", "Postbridge:dkim",
        "Postbridge:tokens", "Postbridge:relay", "Postbridge:webhooks", "Postbridge:disk");

    private static final FakeProviders FAKE = FakeProviders.start().googleClient(CLIENT, "secret").googleUser("rt-app", USER);
    private static final FakeMx MX = new FakeMx();
    /** Started before the server, when PostgreSQL is installed: the Postbridge store of this server. */
    private static Optional<PrivatePostgres> postgres = Optional.empty();

    @RegisterExtension
    static JamesServerExtension james = PostbridgeJames.extension(conf -> {
        MX.start();
        // SmtpDelivery relays through the fake MX: Postbridge:relay probes it with EHLO
        conf.relayThrough(MX.hostAndPort(), "1 second");
        ApiDeliverySupport.pointAtFakes(conf, FAKE, "1 hour");
        postgres = PrivatePostgres.startIfInstalled();
        postgres.ifPresent(pg -> {
            conf.property("postbridge.properties", PostbridgeSettings.STORE_URL, pg.jdbcUrl())
                .property("postbridge.properties", PostbridgeSettings.STORE_USER, pg.user());
            try {
                // a shared database generates nothing: the operator provides the master key and the pepper
                Files.writeString(conf.dir().resolve("postbridge-master.key"), new MasterKeyRing(List.of(MasterKey.generate())).serialize());
                Pepper.generate().writeFile(conf.dir().resolve("postbridge-api-key.pepper"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }, ExtensionProbe.MODULE);

    @BeforeAll
    static void account(GuiceJamesServer server) throws Exception {
        PostbridgeJames.webAdmin(server).addUser(USER, "app-secret");
        server.getProbe(ExtensionProbe.class).instance(InMemoryProviderAccounts.class)
            .put(ProviderAccount.gmail(USER, CLIENT, "secret", "rt-app"));
    }

    @AfterAll
    static void stopFakes() {
        FAKE.close();
        MX.stop();
        postgres.ifPresent(PrivatePostgres::close);
    }

    @Test
    @Order(1)
    void metricsMoveUnderTheirDocumentedNamesWhenMailFlows(GuiceJamesServer server) throws Exception {
        WebAdmin webAdmin = PostbridgeJames.webAdmin(server);
        String before = scrape(webAdmin);
        assertThat(before).contains("postbridge_queue_spool_depth", "postbridge_queue_postbridge_api_depth",
            "postbridge_accounts_reconsent_needed", "postbridge_webhook_backlog", "postbridge_smtp_pool_open");
        assertThat(value(before, "postbridge_accounts_reconsent_needed")).isEqualTo(0);

        int submission = PostbridgeJames.smtpPorts(server).get(PostbridgeJames.SUBMISSION);
        assertThat(ApiDeliverySupport.submit(submission, USER, "app-secret", List.of("bob@remote.test"),
            TestMessages.simple(USER, "bob@remote.test", "metrics", "metrics-1@test").getBytes(StandardCharsets.UTF_8)))
            .startsWith("250");
        // a sender the user may not use: refused by the sender policy
        try (SmtpClient smtp = SmtpClient.connect(submission)) {
            smtp.ehlo();
            smtp.startTls();
            assertThat(smtp.authPlain(USER, "app-secret")).startsWith("235");
            assertThat(smtp.mailFrom("someone.else@example.com")).startsWith("550");
        }
        AWAIT.until(() -> FAKE.delivered().size() == 1);

        AWAIT.untilAsserted(() -> {
            String after = scrape(webAdmin);
            assertThat(value(after, "postbridge_smtp_auth_plain_ok_total") - value(before, "postbridge_smtp_auth_plain_ok_total"))
                .isEqualTo(2);
            assertThat(value(after, "postbridge_smtp_refused_policy_total") - value(before, "postbridge_smtp_refused_policy_total"))
                .isEqualTo(1);
            assertThat(value(after, "postbridge_mail_received_total") - value(before, "postbridge_mail_received_total")).isEqualTo(1);
            assertThat(value(after, "postbridge_delivery_gmail_ok_total") - value(before, "postbridge_delivery_gmail_ok_total"))
                .isEqualTo(1);
            assertThat(value(after, "postbridge_delivery_gmail_latency_count") - value(before, "postbridge_delivery_gmail_latency_count"))
                .isEqualTo(1);
            assertThat(value(after, "postbridge_mail_delivered_total") - value(before, "postbridge_mail_delivered_total")).isEqualTo(1);
            assertThat(value(after, "postbridge_token_requests_total") - value(before, "postbridge_token_requests_total")).isEqualTo(1);
        });
    }

    @Test
    @Order(2)
    void healthyWhenAllIsWell(GuiceJamesServer server) throws Exception {
        HttpResponse<String> response = PostbridgeJames.webAdmin(server).get("/healthcheck");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode health = WebAdmin.parse(response.body());
        for (String check : POSTBRIDGE_CHECKS) {
            assertThat(status(health, check)).as(check + " in " + response.body()).isEqualTo("healthy");
        }
        assertThat(health.path("status").asText()).as(response.body()).isEqualTo("healthy");
    }

    @Test
    @Order(3)
    void degradedWithTheCauseWhenAnAccountsRefreshTokenIsRevoked(GuiceJamesServer server) throws Exception {
        WebAdmin webAdmin = PostbridgeJames.webAdmin(server);
        FAKE.revokeGoogleUser("rt-app");
        FAKE.revokeIssuedTokens(); // the cached access token stops working too: the next send asks for a new one
        int submission = PostbridgeJames.smtpPorts(server).get(PostbridgeJames.SUBMISSION);
        assertThat(ApiDeliverySupport.submit(submission, USER, "app-secret", List.of("bob@remote.test"),
            TestMessages.simple(USER, "bob@remote.test", "revoked", "metrics-2@test").getBytes(StandardCharsets.UTF_8)))
            .startsWith("250");

        AWAIT.untilAsserted(() -> {
            HttpResponse<String> response = webAdmin.get("/healthcheck");
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            JsonNode health = WebAdmin.parse(response.body());
            assertThat(health.path("status").asText()).isEqualTo("degraded");
            assertThat(status(health, "Postbridge:tokens")).isEqualTo("degraded");
            assertThat(cause(health, "Postbridge:tokens")).contains("1 account(s) need a new consent", USER, "invalid_grant");
        });
        JsonNode one = webAdmin.getJson("/healthcheck/checks/Postbridge%3Atokens");
        assertThat(one.path("status").asText()).isEqualTo("degraded");
        AWAIT.untilAsserted(() -> {
            String metrics = scrape(webAdmin);
            assertThat(value(metrics, "postbridge_accounts_reconsent_needed")).isEqualTo(1);
            assertThat(value(metrics, "postbridge_token_invalid_grant_total")).isGreaterThanOrEqualTo(1);
        });

        // the user consents again: new settings clear the flag
        FAKE.googleUser("rt-app-2", USER);
        server.getProbe(ExtensionProbe.class).instance(InMemoryProviderAccounts.class)
            .put(ProviderAccount.gmail(USER, CLIENT, "secret", "rt-app-2"));
        AWAIT.until(() -> status(WebAdmin.parse(webAdmin.get("/healthcheck").body()), "Postbridge:tokens").equals("healthy"));
    }

    @Test
    @Order(4)
    void unhealthyWhileTheStoreIsStoppedAndHealthyWhenItIsBack(GuiceJamesServer server) throws Exception {
        Assumptions.assumeTrue(postgres.isPresent(), "PostgreSQL is not installed (/usr/lib/postgresql/*/bin): store outage not tested");
        WebAdmin webAdmin = PostbridgeJames.webAdmin(server);
        postgres.get().stop();
        try {
            AWAIT.untilAsserted(() -> {
                HttpResponse<String> response = webAdmin.get("/healthcheck");
                assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
                JsonNode health = WebAdmin.parse(response.body());
                assertThat(health.path("status").asText()).isEqualTo("unhealthy");
                assertThat(status(health, "Postbridge:store")).isEqualTo("unhealthy");
                assertThat(cause(health, "Postbridge:store")).contains(postgres.get().jdbcUrl(), "store.jdbc.url");
            });
        } finally {
            postgres.get().start();
        }
        AWAIT.untilAsserted(() -> {
            HttpResponse<String> response = webAdmin.get("/healthcheck");
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(status(WebAdmin.parse(response.body()), "Postbridge:store")).isEqualTo("healthy");
        });
    }

    private static String scrape(WebAdmin webAdmin) throws Exception {
        HttpResponse<String> response = webAdmin.get("/metrics");
        assertThat(response.statusCode()).as("GET /metrics (MetricsRoutes in webadmin.properties)").isEqualTo(200);
        return response.body();
    }

    /** The sample's value in Prometheus text format; 0 when the series does not exist yet. */
    private static double value(String exposition, String name) {
        for (String line : exposition.split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    private static JsonNode check(JsonNode health, String component) {
        for (JsonNode check : health.path("checks")) {
            if (check.path("componentName").asText().equals(component)) {
                return check;
            }
        }
        throw new AssertionError(component + " not in " + health);
    }

    private static String status(JsonNode health, String component) {
        return check(health, component).path("status").asText();
    }

    private static String cause(JsonNode health, String component) {
        return check(health, component).path("cause").asText();
    }
}
