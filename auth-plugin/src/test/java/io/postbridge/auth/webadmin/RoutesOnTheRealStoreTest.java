package io.postbridge.auth.webadmin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.webadmin.WebAdminConfiguration;
import org.apache.james.webadmin.WebAdminServer;
import org.apache.james.webadmin.authentication.NoAuthenticationFilter;
import org.apache.james.webadmin.mdc.LoggingRequestFilter;
import org.apache.james.webadmin.utils.JsonTransformer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.postbridge.core.PostbridgeBackend;
import io.postbridge.core.delivery.InMemoryProviderAccounts;
import io.postbridge.core.dkim.DkimKeyGenerator;
import io.postbridge.core.dkim.keys.DkimKeyTableRegistry;
import io.postbridge.core.dkim.rotation.ManagedDkimKeys;
import io.postbridge.core.settings.PostbridgeSettings;

/**
 * The route classes on James's own WebAdmin server, on core's real services (the store on H2 in a temporary folder):
 * what an operator sends and what comes back, without starting a whole James.
 */
class RoutesOnTheRealStoreTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path home;

    private static PostbridgeBackend backend;
    private static WebAdminServer server;
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        backend = PostbridgeBackend.start(PostbridgeSettings.defaults(home), Map.of(), Clock.systemUTC(), PostbridgeBackend.noMicrosoft());
        JsonTransformer json = new JsonTransformer();
        // DNS is the outside world: no record is published in this test
        ManagedDkimKeys dkim = new ManagedDkimKeys(backend.dkimKeys(), new DkimKeyGenerator(), name -> List.of(),
            Executors.newSingleThreadExecutor(), backend.dkimRotation(), Clock.systemUTC());
        server = new WebAdminServer(WebAdminConfiguration.TEST_CONFIGURATION, List.of(
            new AccountRoutes(backend.accountAdministration(), backend.apiKeys(), backend.rateLimits(), json),
            new DkimRoutes(dkim, new DkimKeyTableRegistry(), json),
            new ProviderAccountRoutes(new InMemoryProviderAccounts(), json),
            new MailEventRoutes(backend.events(), json),
            new MasterKeyRoutes(backend.masterKeys(), backend.rotation(), json)),
            new NoAuthenticationFilter(), new RecordingMetricFactory(), LoggingRequestFilter.create()) { };
        server.start();
        base = "http://127.0.0.1:" + server.getPort().getValue();
    }

    @AfterAll
    static void stop() {
        server.destroy();
        backend.close();
    }

    @Test
    void anAccountIsCreatedUpdatedAndDeleted() throws Exception {
        HttpResponse<String> created = send("PUT", "/postbridge/accounts/crm", "{\"messagesPerMinute\":30}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(JSON.readTree(created.body()).path("limits").path("effectiveMessagesPerMinute").asInt()).isEqualTo(30);
        assertThat(send("PUT", "/postbridge/accounts/crm", "{\"enabled\":false}").statusCode()).isEqualTo(204);
        assertThat(json("GET", "/postbridge/accounts/crm").path("enabled").asBoolean()).isFalse();
        assertThat(send("DELETE", "/postbridge/accounts/crm", "").statusCode()).isEqualTo(204);
        assertError(send("DELETE", "/postbridge/accounts/crm", ""), 404, "account 'crm' does not exist");
    }

    @Test
    void aNetworkOfAnotherAccountIsAConflictNamingTheOwner() throws Exception {
        send("PUT", "/postbridge/accounts/printers", "");
        send("PUT", "/postbridge/accounts/scanners", "");
        assertThat(send("PUT", "/postbridge/accounts/printers/networks/10.9.0.0-16", "").statusCode()).isEqualTo(201);
        assertThat(send("PUT", "/postbridge/accounts/printers/networks/10.9.0.0-16", "").statusCode()).as("again: nothing new").isEqualTo(204);
        assertError(send("PUT", "/postbridge/accounts/scanners/networks/10.9.0.0-16", ""), 409, "already belongs to account 'printers'");
    }

    @Test
    void changingTheProviderForgetsTheOldProvidersSecrets() throws Exception {
        send("PUT", "/postbridge/accounts/erp", "");
        assertThat(send("PUT", "/postbridge/accounts/erp/provider", "{\"provider\":\"gmail\",\"settings\":{\"clientId\":\"id\"},"
            + "\"secrets\":{\"clientSecret\":\"s\",\"refreshToken\":\"r\"}}").statusCode()).isEqualTo(204);
        assertThat(json("GET", "/postbridge/accounts/erp/provider").path("secrets")).extracting(JsonNode::asText)
            .containsExactlyInAnyOrder("clientSecret", "refreshToken");
        send("PUT", "/postbridge/accounts/erp/provider", "{\"provider\":\"graph\",\"settings\":{\"tenant\":\"t\"},"
            + "\"secrets\":{\"clientSecret\":\"g\"}}");
        assertThat(json("GET", "/postbridge/accounts/erp/provider").path("secrets")).extracting(JsonNode::asText)
            .containsExactly("clientSecret");
        assertError(send("PUT", "/postbridge/accounts/erp/provider", "{\"provider\":\"gmail\",\"settings\":{\"password\":\"x\"}}"), 400,
            "'settings.password' looks like a secret");
        assertError(send("PUT", "/postbridge/accounts/erp/provider", "{\"provider\":\"carrier-pigeon\"}"), 400, "'provider'");
    }

    @Test
    void everyBodyIsReadStrictly() throws Exception {
        assertError(send("POST", "/postbridge/dkim/domains/example.com/keys", "{\"rsaBits\":\"abc\"}"), 400, "'rsaBits' must be a whole number");
        assertError(send("POST", "/postbridge/dkim/domains/example.com/keys", "{\"rsaBits\":512}"), 400, "from 1024 to 4096");
        assertError(send("POST", "/postbridge/dkim/domains/example.com/rotate", "{\"algorithm\":\"ed25519\"}"), 400, "unknown field 'algorithm'");
        assertError(send("PUT", "/postbridge/provider-accounts/app", "{\"provider\":\"gmail\",\"extra\":1}"), 400, "unknown field 'extra'");
        assertError(send("PUT", "/postbridge/accounts/typed", "{\"enabled\":\"yes\"}"), 400, "'enabled' must be true or false");
        assertError(send("PUT", "/postbridge/accounts/typed/limits", "[1]"), 404, "account 'typed' does not exist");
        assertError(send("GET", "/postbridge/events?limit=0", ""), 400, "'limit' must be a whole number from 1 to 10000");
        assertError(send("POST", "/postbridge/dkim/domains/example.com/keys/nope?action=activate", ""), 404, "nope");
        assertError(send("POST", "/postbridge/dkim/domains/exa%20mple.com/keys", "{}"), 400, "'domain'");
    }

    @Test
    void aDkimKeyIsGeneratedWithADelayInWordsAndDeleted() throws Exception {
        HttpResponse<String> created = send("POST", "/postbridge/dkim/domains/words.example/keys",
            "{\"algorithm\":\"ed25519\",\"selector\":\"w1\",\"activateAfter\":\"2 days\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(JSON.readTree(created.body()).path("state").asText()).isEqualTo("pending");
        assertThat(send("DELETE", "/postbridge/dkim/domains/words.example/keys/w1", "").statusCode()).isEqualTo(204);
        HttpResponse<String> zone = send("GET", "/postbridge/dkim/domains/words.example/dns", "");
        assertThat(zone.body()).startsWith("; DKIM records for words.example").doesNotContain("w1._domainkey");
    }

    @Test
    void masterKeyStatusShowsIdsOnly() throws Exception {
        JsonNode status = json("GET", "/postbridge/master-key");
        assertThat(status.path("keyIds")).hasSize(1);
        assertThat(status.path("rotatable").asBoolean()).isTrue();
        assertThat(json("POST", "/postbridge/master-key/reencrypt").path("currentKeyId").asText())
            .isEqualTo(status.path("currentKeyId").asText());
    }

    private static JsonNode json(String method, String path) throws Exception {
        HttpResponse<String> response = send(method, path, "");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
            .method(method, body.isEmpty() ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static void assertError(HttpResponse<String> response, int status, String messagePart) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode error = JSON.readTree(response.body());
        assertThat(error.path("statusCode").asInt()).isEqualTo(status);
        assertThat(error.path("message").asText()).contains(messagePart);
    }
}
