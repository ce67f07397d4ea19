package io.postbridge.auth.webadmin;

import static io.postbridge.auth.webadmin.WebAdminOnTheRealStore.JSON;
import static io.postbridge.auth.webadmin.WebAdminOnTheRealStore.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.time.Clock;

import org.apache.james.webadmin.utils.JsonTransformer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.postbridge.core.delivery.InMemoryProviderAccounts;
import io.postbridge.core.dkim.DkimKeyGenerator;
import io.postbridge.core.dkim.keys.DkimKeyTableRegistry;
import io.postbridge.core.dkim.rotation.ManagedDkimKeys;

/**
 * The route classes on James's own WebAdmin server, on core's real services (the store on H2 in a temporary folder):
 * what an operator sends and what comes back, without starting a whole James.
 */
class RoutesOnTheRealStoreTest {

    @TempDir
    static Path home;

    private static WebAdminOnTheRealStore web;

    @BeforeAll
    static void start() throws Exception {
        web = WebAdminOnTheRealStore.start(home, Map.of(), backend -> {
            JsonTransformer json = WebAdminOnTheRealStore.json();
            // DNS is the outside world: no record is published in this test
            ManagedDkimKeys dkim = new ManagedDkimKeys(backend.dkimKeys(), new DkimKeyGenerator(), name -> List.of(),
                Executors.newSingleThreadExecutor(), backend.dkimRotation(), Clock.systemUTC());
            return List.of(
                new AccountRoutes(backend.accountAdministration(), backend.apiKeys(), backend.rateLimits(), json),
                new DkimRoutes(dkim, new DkimKeyTableRegistry(), json),
                new ProviderAccountRoutes(new InMemoryProviderAccounts(), json),
                new MailEventRoutes(backend.events(), json),
                new MasterKeyRoutes(backend.masterKeys(), backend.rotation(), json));
        });
    }

    @AfterAll
    static void stop() {
        web.close();
    }

    @Test
    void anAccountIsCreatedUpdatedAndDeleted() throws Exception {
        HttpResponse<String> created = web.send("PUT", "/postbridge/accounts/crm", "{\"messagesPerMinute\":30}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(JSON.readTree(created.body()).path("limits").path("effectiveMessagesPerMinute").asInt()).isEqualTo(30);
        assertThat(web.send("PUT", "/postbridge/accounts/crm", "{\"enabled\":false}").statusCode()).isEqualTo(204);
        assertThat(web.json("GET", "/postbridge/accounts/crm").path("enabled").asBoolean()).isFalse();
        assertThat(web.send("DELETE", "/postbridge/accounts/crm", "").statusCode()).isEqualTo(204);
        assertError(web.send("DELETE", "/postbridge/accounts/crm", ""), 404, "account 'crm' does not exist");
    }

    @Test
    void aNetworkOfAnotherAccountIsAConflictNamingTheOwner() throws Exception {
        web.send("PUT", "/postbridge/accounts/printers", "");
        web.send("PUT", "/postbridge/accounts/scanners", "");
        assertThat(web.send("PUT", "/postbridge/accounts/printers/networks/10.9.0.0-16", "").statusCode()).isEqualTo(201);
        assertThat(web.send("PUT", "/postbridge/accounts/printers/networks/10.9.0.0-16", "").statusCode()).as("again: nothing new").isEqualTo(204);
        assertError(web.send("PUT", "/postbridge/accounts/scanners/networks/10.9.0.0-16", ""), 409, "already belongs to account 'printers'");
    }

    @Test
    void changingTheProviderForgetsTheOldProvidersSecrets() throws Exception {
        web.send("PUT", "/postbridge/accounts/erp", "");
        assertThat(web.send("PUT", "/postbridge/accounts/erp/provider", "{\"provider\":\"gmail\",\"settings\":{\"clientId\":\"id\"},"
            + "\"secrets\":{\"clientSecret\":\"s\",\"refreshToken\":\"r\"}}").statusCode()).isEqualTo(204);
        assertThat(web.json("GET", "/postbridge/accounts/erp/provider").path("secrets")).extracting(JsonNode::asText)
            .containsExactlyInAnyOrder("clientSecret", "refreshToken");
        web.send("PUT", "/postbridge/accounts/erp/provider", "{\"provider\":\"graph\",\"settings\":{\"tenant\":\"t\"},"
            + "\"secrets\":{\"clientSecret\":\"g\"}}");
        assertThat(web.json("GET", "/postbridge/accounts/erp/provider").path("secrets")).extracting(JsonNode::asText)
            .containsExactly("clientSecret");
        assertError(web.send("PUT", "/postbridge/accounts/erp/provider", "{\"provider\":\"gmail\",\"settings\":{\"password\":\"x\"}}"), 400,
            "'settings.password' looks like a secret");
        assertError(web.send("PUT", "/postbridge/accounts/erp/provider", "{\"provider\":\"carrier-pigeon\"}"), 400, "'provider'");
    }

    @Test
    void everyBodyIsReadStrictly() throws Exception {
        assertError(web.send("POST", "/postbridge/dkim/domains/example.com/keys", "{\"rsaBits\":\"abc\"}"), 400, "'rsaBits' must be a whole number");
        assertError(web.send("POST", "/postbridge/dkim/domains/example.com/keys", "{\"rsaBits\":512}"), 400, "from 1024 to 4096");
        assertError(web.send("POST", "/postbridge/dkim/domains/example.com/rotate", "{\"algorithm\":\"ed25519\"}"), 400, "unknown field 'algorithm'");
        assertError(web.send("PUT", "/postbridge/provider-accounts/app", "{\"provider\":\"gmail\",\"extra\":1}"), 400, "unknown field 'extra'");
        assertError(web.send("PUT", "/postbridge/accounts/typed", "{\"enabled\":\"yes\"}"), 400, "'enabled' must be true or false");
        assertError(web.send("PUT", "/postbridge/accounts/typed/limits", "[1]"), 404, "account 'typed' does not exist");
        assertError(web.send("GET", "/postbridge/events?limit=0", ""), 400, "'limit' must be a whole number from 1 to 10000");
        assertError(web.send("POST", "/postbridge/dkim/domains/example.com/keys/nope?action=activate", ""), 404, "nope");
        assertError(web.send("POST", "/postbridge/dkim/domains/exa%20mple.com/keys", "{}"), 400, "'domain'");
    }

    @Test
    void aDkimKeyIsGeneratedWithADelayInWordsAndDeleted() throws Exception {
        HttpResponse<String> created = web.send("POST", "/postbridge/dkim/domains/words.example/keys",
            "{\"algorithm\":\"ed25519\",\"selector\":\"w1\",\"activateAfter\":\"2 days\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(JSON.readTree(created.body()).path("state").asText()).isEqualTo("pending");
        assertThat(web.send("DELETE", "/postbridge/dkim/domains/words.example/keys/w1", "").statusCode()).isEqualTo(204);
        HttpResponse<String> zone = web.send("GET", "/postbridge/dkim/domains/words.example/dns", "");
        assertThat(zone.body()).startsWith("; DKIM records for words.example").doesNotContain("w1._domainkey");
    }

    @Test
    void masterKeyStatusShowsIdsOnly() throws Exception {
        JsonNode status = web.json("GET", "/postbridge/master-key");
        assertThat(status.path("keyIds")).hasSize(1);
        assertThat(status.path("rotatable").asBoolean()).isTrue();
        assertThat(web.json("POST", "/postbridge/master-key/reencrypt").path("currentKeyId").asText())
            .isEqualTo(status.path("currentKeyId").asText());
    }
}
