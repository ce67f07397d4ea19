package io.postbridge;

import static io.postbridge.it.PostbridgeJames.SUBMISSION;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Instant;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

import io.postbridge.it.Accounts;
import io.postbridge.it.PostbridgeJames;
import io.postbridge.it.SmtpClient;
import io.postbridge.it.WebAdmin;

/** The WebAdmin routes an operator uses to manage accounts, with good and bad input. */
class AccountRoutesTest {
    @RegisterExtension
    static JamesServerExtension james = PostbridgeJames.extension(conf -> { });

    private static WebAdmin webAdmin;
    private static int submissionPort;
    private static int webAdminPort;

    @BeforeAll
    static void setUp() throws Exception {
        GuiceJamesServer server = james.getGuiceJamesServer();
        webAdmin = PostbridgeJames.webAdmin(server);
        submissionPort = PostbridgeJames.smtpPorts(server).get(SUBMISSION);
        webAdminPort = server.getProbe(org.apache.james.utils.WebAdminGuiceProbe.class).getWebAdminPort().getValue();
    }

    private static void assertError(HttpResponse<String> response, int status, String messagePart) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).contains("application/json");
        JsonNode json = WebAdmin.parse(response.body());
        assertThat(json.path("statusCode").asInt()).isEqualTo(status);
        assertThat(json.path("message").asText()).contains(messagePart);
    }

    @Test
    void createsShowsUpdatesAndDeletesAnAccount() throws Exception {
        HttpResponse<String> created = webAdmin.put("/postbridge/accounts/crm", "{\"messagesPerMinute\": 30}");
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(WebAdmin.parse(created.body()).path("limits").path("effectiveMessagesPerMinute").asInt()).isEqualTo(30);

        assertThat(webAdmin.put("/postbridge/accounts/crm", "{\"enabled\": false, \"fromOverride\": \"CRM@Example.com\"}").statusCode()).isEqualTo(204);
        JsonNode crm = webAdmin.getJson("/postbridge/accounts/crm");
        assertThat(crm.path("enabled").isBoolean()).as(crm.toString()).isTrue();
        assertThat(crm.path("enabled").asBoolean()).isFalse();
        assertThat(crm.path("fromOverride").asText()).isEqualTo("crm@example.com");
        assertThat(crm.path("limits").path("messagesPerMinute").asInt()).isEqualTo(30);
        assertThat(crm.path("limits").path("effectiveRecipientsPerDay").asInt()).as("server default").isEqualTo(2000);
        assertThat(webAdmin.getJson("/postbridge/accounts")).extracting(node -> node.path("name").asText()).contains("crm");

        assertThat(webAdmin.delete("/postbridge/accounts/crm").statusCode()).isEqualTo(204);
        assertError(webAdmin.get("/postbridge/accounts/crm"), 404, "account 'crm' does not exist");
        assertError(webAdmin.delete("/postbridge/accounts/crm"), 404, "does not exist");
    }

    @Test
    void badAccountInputGetsAClearJsonError() throws Exception {
        assertError(webAdmin.put("/postbridge/accounts/Not_Lower", ""), 400, "account name must be");
        assertError(webAdmin.put("/postbridge/accounts/ok-name", "{not json"), 400, "not valid JSON");
        assertError(webAdmin.put("/postbridge/accounts/ok-name", "[1,2]"), 400, "must be a JSON object");
        assertError(webAdmin.put("/postbridge/accounts/ok-name", "{\"enabeld\": true}"), 400, "unknown field 'enabeld'");
        assertError(webAdmin.put("/postbridge/accounts/ok-name", "{\"enabled\": \"yes\"}"), 400, "'enabled' must be true or false");
        assertError(webAdmin.put("/postbridge/accounts/ok-name", "{\"messagesPerMinute\": 0}"), 400, "'messagesPerMinute' must be a whole number");
        assertError(webAdmin.put("/postbridge/accounts/ok-name", "{\"fromOverride\": \"@example.com\"}"), 400, "not a domain");
        assertError(webAdmin.put("/postbridge/accounts/ok-name", "{\"fromOverride\": \"not an address\"}"), 400, "fromOverride");
        assertError(webAdmin.get("/postbridge/accounts/ok-name"), 404, "does not exist");

        // curl -d without -H 'Content-Type: application/json': the body must not be silently ignored
        java.net.http.HttpResponse<String> form = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
            .newBuilder(java.net.URI.create("http://127.0.0.1:" + webAdminPort + "/postbridge/accounts/form-sent"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"messagesPerMinute\": 10}")).build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
        assertError(form, 400, "Content-Type: application/json");
        assertError(webAdmin.get("/postbridge/accounts/form-sent"), 404, "does not exist");
    }

    @Test
    void aKeyIsShownOnceAndListedOnlyByItsPrefix() throws Exception {
        Accounts accounts = new Accounts(webAdmin);
        accounts.create("billing").allowSender("billing", "billing@example.com");
        HttpResponse<String> created = webAdmin.post("/postbridge/accounts/billing/keys", "");
        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode issued = WebAdmin.parse(created.body());
        String key = issued.path("key").asText();
        String keyId = issued.path("keyId").asText();
        assertThat(key).startsWith("pbk_" + keyId + "_").hasSize(4 + 16 + 1 + 43);
        assertThat(issued.path("prefix").asText()).isEqualTo("pbk_" + keyId + "_");

        JsonNode unused = webAdmin.getJson("/postbridge/accounts/billing/keys").get(0);
        assertThat(unused.has("lastUsedAt")).as("a key never used is listed with lastUsedAt: null: " + unused).isTrue();
        assertThat(unused.path("lastUsedAt").isNull()).isTrue();
        Instant beforeAuth = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        try (SmtpClient smtp = SmtpClient.connect(submissionPort)) {
            smtp.ehlo();
            smtp.startTls();
            assertThat(smtp.authPlain("billing", key)).startsWith("235");
        }

        HttpResponse<String> list = webAdmin.get("/postbridge/accounts/billing/keys");
        assertThat(list.body()).doesNotContain(key).doesNotContain(key.substring(22));
        JsonNode listed = WebAdmin.parse(list.body()).get(0);
        assertThat(listed.path("keyId").asText()).isEqualTo(keyId);
        assertThat(listed.path("prefix").asText()).isEqualTo("pbk_" + keyId + "_");
        assertThat(listed.has("key")).isFalse();
        assertThat(listed.path("lastUsedAt").isTextual()).as("AUTH recorded the use: " + listed).isTrue();
        assertThat(Instant.parse(listed.path("lastUsedAt").asText())).isBetween(beforeAuth, Instant.now());
        assertThat(listed.path("live").asBoolean()).isTrue();

        HttpResponse<String> regenerated = webAdmin.post("/postbridge/accounts/billing/keys/" + keyId + "/regenerate", "");
        assertThat(regenerated.statusCode()).isEqualTo(201);
        assertThat(WebAdmin.parse(regenerated.body()).path("key").asText()).isNotEqualTo(key).startsWith("pbk_");
        assertError(webAdmin.delete("/postbridge/accounts/billing/keys/" + keyId), 404, "has no live API key");
        assertError(webAdmin.delete("/postbridge/accounts/billing/keys/NOT-A-KEY-ID"), 400, "is not an API key id");
        assertError(webAdmin.post("/postbridge/accounts/nobody/keys", ""), 404, "account 'nobody' does not exist");
    }

    @Test
    void sendersAndNetworksAreValidated() throws Exception {
        new Accounts(webAdmin).create("devices").create("other-devices");
        assertThat(webAdmin.put("/postbridge/accounts/devices/senders/Scan@Example.com", "").statusCode()).isEqualTo(201);
        assertThat(webAdmin.put("/postbridge/accounts/devices/senders/scan@example.com", "").statusCode()).as("again").isEqualTo(204);
        assertThat(webAdmin.put("/postbridge/accounts/devices/senders/@devices.example.com", "").statusCode()).isEqualTo(201);
        assertThat(webAdmin.getJson("/postbridge/accounts/devices/senders")).extracting(JsonNode::asText)
            .containsExactly("@devices.example.com", "scan@example.com");
        assertError(webAdmin.put("/postbridge/accounts/devices/senders/not%20an%20address", ""), 400, "sender must be an address");
        assertError(webAdmin.delete("/postbridge/accounts/devices/senders/nobody@example.com"), 404, "no allowed sender");

        assertThat(webAdmin.put("/postbridge/accounts/devices/networks/" + Accounts.encode("192.168.7.0/24"), "").statusCode()).isEqualTo(201);
        assertThat(webAdmin.put("/postbridge/accounts/devices/networks/192.168.8.9", "").statusCode()).isEqualTo(201);
        assertThat(webAdmin.getJson("/postbridge/accounts/devices/networks")).extracting(JsonNode::asText)
            .containsExactly("192.168.7.0/24", "192.168.8.9/32");
        assertError(webAdmin.put("/postbridge/accounts/other-devices/networks/" + Accounts.encode("192.168.7.0/24"), ""), 409,
            "already belongs to account 'devices'");
        assertError(webAdmin.put("/postbridge/accounts/devices/networks/printer.example.com", ""), 400, "expected an IP range");
        assertError(webAdmin.put("/postbridge/accounts/devices/networks/" + Accounts.encode("10.0.0.0/33"), ""), 400, "expected an IP range");
        assertThat(webAdmin.delete("/postbridge/accounts/devices/networks/" + Accounts.encode("192.168.7.0/24")).statusCode()).isEqualTo(204);
    }

    @Test
    void providerSecretsAreWriteOnly() throws Exception {
        new Accounts(webAdmin).create("graph-app");
        String secret = "Q~8s.secret-" + System.nanoTime();
        HttpResponse<String> put = webAdmin.put("/postbridge/accounts/graph-app/provider",
            "{\"provider\": \"graph\", \"settings\": {\"tenantId\": \"t-1\", \"clientId\": \"c-1\"}, \"secrets\": {\"clientSecret\": \"" + secret + "\"}}");
        assertThat(put.statusCode()).as(put.body()).isEqualTo(204);

        HttpResponse<String> get = webAdmin.get("/postbridge/accounts/graph-app/provider");
        assertThat(get.body()).doesNotContain(secret);
        JsonNode provider = WebAdmin.parse(get.body());
        assertThat(provider.path("provider").asText()).isEqualTo("graph");
        assertThat(provider.path("settings").path("tenantId").asText()).isEqualTo("t-1");
        assertThat(provider.path("secrets")).extracting(JsonNode::asText).containsExactly("clientSecret");
        HttpResponse<String> account = webAdmin.get("/postbridge/accounts/graph-app");
        assertThat(account.statusCode()).isEqualTo(200);
        assertThat(account.body()).contains("graph-app").doesNotContain(secret);

        // removing one secret with null, switching provider drops the old provider's secrets
        assertThat(webAdmin.put("/postbridge/accounts/graph-app/provider", "{\"provider\": \"graph\", \"settings\": {}, \"secrets\": {\"clientSecret\": null}}")
            .statusCode()).isEqualTo(204);
        JsonNode remaining = webAdmin.getJson("/postbridge/accounts/graph-app/provider").path("secrets");
        assertThat(remaining.isArray()).as("secrets listed: " + remaining).isTrue();
        assertThat(remaining).isEmpty();

        assertError(webAdmin.put("/postbridge/accounts/graph-app/provider", "{\"settings\": {}}"), 400, "'provider' is required");
        assertError(webAdmin.put("/postbridge/accounts/graph-app/provider", "{\"provider\": \"yahoo\"}"), 400, "provider must be one of gmail, graph, smtp");
        assertError(webAdmin.put("/postbridge/accounts/graph-app/provider", "{\"provider\": \"smtp\", \"settings\": {\"password\": \"x\"}}"), 400,
            "looks like a secret");
        assertError(webAdmin.put("/postbridge/accounts/graph-app/provider", "{\"provider\": \"smtp\", \"secrets\": {\"password\": 42}}"), 400,
            "'secrets.password' must be a string");
        assertError(webAdmin.put("/postbridge/accounts/graph-app/provider", "{\"provider\": \"smtp\", \"settings\": {\"host\": 25}}"), 400,
            "'settings.host' must be a string");
        assertThat(webAdmin.delete("/postbridge/accounts/graph-app/provider").statusCode()).isEqualTo(204);
        assertError(webAdmin.get("/postbridge/accounts/graph-app/provider"), 404, "has no provider settings");
    }

    @Test
    void limitsFallBackToTheDefaultsAndRejectNonsense() throws Exception {
        new Accounts(webAdmin).create("limited");
        assertThat(webAdmin.put("/postbridge/accounts/limited/limits", "{\"messagesPerMinute\": 5}").statusCode()).isEqualTo(204);
        JsonNode limits = webAdmin.getJson("/postbridge/accounts/limited/limits");
        assertThat(limits.path("messagesPerMinute").asInt()).isEqualTo(5);
        assertThat(limits.path("recipientsPerDay").isNull()).isTrue();
        assertThat(limits.path("effectiveRecipientsPerDay").asInt()).isEqualTo(2000);

        assertError(webAdmin.put("/postbridge/accounts/limited/limits", "{\"messagesPerMinute\": -1}"), 400, "'messagesPerMinute' must be a whole number");
        assertError(webAdmin.put("/postbridge/accounts/limited/limits", "{\"recipientsPerDay\": 1.5}"), 400, "'recipientsPerDay' must be a whole number");
        assertError(webAdmin.put("/postbridge/accounts/limited/limits", "{\"perHour\": 1}"), 400, "unknown field 'perHour'");
    }

    @Test
    void masterKeyRotationReplacesTheCurrentKeyAndReencryptsTheSecrets() throws Exception {
        new Accounts(webAdmin).create("rotated");
        webAdmin.put("/postbridge/accounts/rotated/provider", "{\"provider\": \"smtp\", \"settings\": {\"host\": \"smtp.example.com\"}, "
            + "\"secrets\": {\"password\": \"upstream-password\"}}");
        JsonNode before = webAdmin.getJson("/postbridge/master-key");
        assertThat(before.path("rotatable").asBoolean()).isTrue();
        assertThat(before.toString()).doesNotContain("upstream-password");

        HttpResponse<String> rotated = webAdmin.post("/postbridge/master-key/rotate", "");
        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(200);
        JsonNode result = WebAdmin.parse(rotated.body());
        assertThat(before.path("currentKeyId").asText()).isNotEmpty();
        assertThat(result.path("currentKeyId").asText()).isNotEmpty().isNotEqualTo(before.path("currentKeyId").asText());
        assertThat(result.path("reencrypted").asInt()).isEqualTo(result.path("secrets").asInt()).isGreaterThanOrEqualTo(1);

        JsonNode after = webAdmin.getJson("/postbridge/master-key");
        assertThat(after.path("currentKeyId").asText()).isEqualTo(result.path("currentKeyId").asText());
        assertThat(after.path("keyIds")).hasSize(before.path("keyIds").size() + 1);
        JsonNode reencrypt = WebAdmin.parse(webAdmin.post("/postbridge/master-key/reencrypt", "").body());
        assertThat(reencrypt.path("reencrypted").isInt()).as(reencrypt.toString()).isTrue();
        assertThat(reencrypt.path("reencrypted").asInt()).isZero();
    }
}
