package io.postbridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.apache.james.GuiceJamesServer;
import org.apache.james.MemoryJamesConfiguration;
import org.apache.james.data.UsersRepositoryModuleChooser;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.postbridge.core.fakes.FakeProviders;
import io.postbridge.core.fakes.TestMessages;
import io.postbridge.it.ApiDeliverySupport;
import io.postbridge.it.ConfFolder;
import io.postbridge.it.Events;
import io.postbridge.it.PostbridgeJames;
import io.postbridge.it.WebAdmin;
import io.postbridge.server.PostbridgeServerMain;

/**
 * What delivery learns lives in the store, not in one server's memory: after a restart on the same directory the
 * operator still sees that a stored Gmail account needs re-consent and still lists the mail events from before;
 * storing the new refresh token clears the flag and mail flows again.
 */
class DeliveryStateRestartTest {
    private static final ConditionFactory AWAIT = Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200));
    private static final String CLIENT = "client.apps.googleusercontent.com";
    private static final String PROVIDER = "/postbridge/accounts/erp/provider";

    @TempDir
    Path tmp;

    @Test
    void theReconsentFlagAndTheEventsAreReadFromTheStoreAfterARestart() throws Exception {
        // the Google fake knows the client but not the refresh token: invalid_grant, as for a revoked consent
        try (FakeProviders fake = FakeProviders.start().googleClient(CLIENT, "secret")) {
            ApiDeliverySupport.pointAtFakes(ConfFolder.copyOf(ConfFolder.source(), tmp.resolve("conf")).loopbackAnyPorts(), fake, "1 hour");

            String apiKey;
            GuiceJamesServer first = start();
            try {
                WebAdmin webAdmin = PostbridgeJames.webAdmin(first);
                assertThat(webAdmin.put("/postbridge/accounts/erp", "{}").statusCode()).isEqualTo(201);
                assertThat(webAdmin.put("/postbridge/accounts/erp/senders/erp@example.com", "").statusCode()).isEqualTo(201);
                assertThat(webAdmin.put(PROVIDER, gmail("rt-revoked")).statusCode()).isEqualTo(204);
                assertThat(webAdmin.getJson(PROVIDER).path("needsReconsent").isNull()).isTrue();
                apiKey = WebAdmin.parse(webAdmin.post("/postbridge/accounts/erp/keys", "").body()).path("key").asText();

                assertThat(submit(first, apiKey, "revoked-1@test")).startsWith("250");
                AWAIT.until(() -> Events.typesFor(webAdmin, "revoked-1@test").contains("bounced"));
                assertThat(webAdmin.getJson(PROVIDER).path("needsReconsent").asText()).contains("invalid_grant");
            } finally {
                first.stop();
            }

            GuiceJamesServer second = start();
            try {
                WebAdmin webAdmin = PostbridgeJames.webAdmin(second);
                JsonNode provider = webAdmin.getJson(PROVIDER);
                assertThat(provider.path("needsReconsent").asText()).as("read from the store").contains("invalid_grant");
                assertThat(provider.path("needsReconsentSince").asText()).isNotEmpty();
                assertThat(webAdmin.getJson("/postbridge/accounts/erp").path("needsReconsent").asText()).contains("invalid_grant");
                assertThat(Events.typesFor(webAdmin, "revoked-1@test")).as("the events from before the restart")
                    .containsExactly("received", "queued", "bounced");
                assertThat(webAdmin.getJson("/postbridge/events?account=erp&type=bounced").toString()).contains("revoked-1@test");

                // the operator stores the refresh token of a new consent: the flag goes, the mail goes
                fake.googleUser("rt-new", "erp@example.com");
                assertThat(webAdmin.put(PROVIDER, gmail("rt-new")).statusCode()).isEqualTo(204);
                assertThat(webAdmin.getJson(PROVIDER).path("needsReconsent").isNull()).isTrue();
                assertThat(submit(second, apiKey, "renewed-1@test")).startsWith("250");
                AWAIT.until(() -> Events.typesFor(webAdmin, "renewed-1@test").contains("delivered"));
                assertThat(fake.delivered()).hasSize(1);
                assertThat(webAdmin.getJson(PROVIDER).path("needsReconsent").isNull()).isTrue();
            } finally {
                second.stop();
            }
        }
    }

    private static String gmail(String refreshToken) {
        return "{\"provider\":\"gmail\",\"settings\":{\"clientId\":\"" + CLIENT + "\"},"
            + "\"secrets\":{\"clientSecret\":\"secret\",\"refreshToken\":\"" + refreshToken + "\"}}";
    }

    private static String submit(GuiceJamesServer server, String apiKey, String messageId) throws Exception {
        return ApiDeliverySupport.submit(PostbridgeJames.smtpPorts(server).get(PostbridgeJames.SUBMISSION), "erp", apiKey,
            List.of("bob@remote.test"),
            TestMessages.simple("erp@example.com", "bob@remote.test", "state", messageId).getBytes(StandardCharsets.UTF_8));
    }

    /** A Postbridge server on {@code tmp}: the same store (var/postbridge) every time. */
    private GuiceJamesServer start() throws Exception {
        GuiceJamesServer server = PostbridgeServerMain.createServer(MemoryJamesConfiguration.builder()
            .workingDirectory(tmp.toFile())
            .usersRepository(UsersRepositoryModuleChooser.Implementation.DEFAULT)
            .build(), new String[] {"--generate-keystore"});
        server.start();
        return server;
    }
}
