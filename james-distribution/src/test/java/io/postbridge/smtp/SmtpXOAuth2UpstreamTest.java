package io.postbridge.smtp;

import static io.postbridge.it.PostbridgeJames.SUBMISSION;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerExtension;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

import io.postbridge.core.fakes.FakeProviders;
import io.postbridge.core.fakes.FakeUpstream;
import io.postbridge.it.Accounts;
import io.postbridge.it.ApiDeliverySupport;
import io.postbridge.it.Events;
import io.postbridge.it.PostbridgeJames;
import io.postbridge.it.SmtpClient;
import io.postbridge.it.WebAdmin;

/**
 * Per-account XOAUTH2 upstreams (provider {@code smtp}, {@code auth: xoauth2}: Google Workspace / Microsoft 365 SMTP
 * with OAuth) in a real in-process James. The fake upstream takes only bearer tokens that the fake token endpoint
 * issued for that user (next-features-anchors §C.5, oauth-relay-anchors §2.3): the account's mail goes over one
 * connection with one token, the secrets are never shown, a new refresh token applies without a restart, and
 * {@code POST .../provider/test} reports the token endpoint's refusal and the upstream's at their own stage.
 */
class SmtpXOAuth2UpstreamTest {
    private static final ConditionFactory AWAIT = Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100));
    private static final String USER = "app@workspace.test";
    /** Delivery: its own token endpoint and upstream, so the counts are this account's alone. */
    private static final FakeProviders tokens = FakeProviders.start();
    private static final FakeUpstream upstream = FakeUpstream.startPlain();
    /** Connection tests: another token endpoint, an upstream that takes its tokens and one that takes none. */
    private static final FakeProviders testTokens = FakeProviders.start();
    private static final FakeUpstream testUpstream = FakeUpstream.startPlain();
    private static final FakeUpstream refusingUpstream = FakeUpstream.startPlain();
    /** Re-consent: takes the tokens of {@code testTokens}, for an account whose refresh token it does not know at first. */
    private static final FakeUpstream regrantUpstream = FakeUpstream.startPlain();
    /** Microsoft 365: delegated tokens from the fake Entra endpoint of {@code tokens}. */
    private static final String MAILBOX = "ms@contoso.test";
    private static final FakeUpstream msUpstream = FakeUpstream.startPlain();

    @RegisterExtension
    static JamesServerExtension james = PostbridgeJames.extension(conf -> {
        conf.mailetParameter("io.postbridge.mailets.SmtpDelivery", "retryInitialDelay", "1 second");
        conf.mailetParameter("io.postbridge.mailets.SmtpDelivery", "retryMaxDelay", "1 second");
        conf.mailetParameter("io.postbridge.mailets.SmtpDelivery", "maxConnectionIdle", "1 minute");
        conf.mailetParameter("io.postbridge.mailets.SmtpDelivery", "connectionsPerDestination", "1");
        // Entra requests (login.microsoftonline.com) go to the fake
        conf.property("postbridge.properties", "microsoft.tokenEndpointOverride", tokens.microsoftIdentity().toString());
    });

    private static int submission;
    private static WebAdmin webAdmin;
    private static final Map<String, String> keys = new java.util.concurrent.ConcurrentHashMap<>();


    @BeforeAll
    static void setUp() throws Exception {
        GuiceJamesServer server = james.getGuiceJamesServer();
        submission = PostbridgeJames.smtpPorts(server).get(SUBMISSION);
        webAdmin = PostbridgeJames.webAdmin(server);
        Accounts accounts = new Accounts(webAdmin);
        tokens.googleClient("client-1", "client-secret-1").googleUser("refresh-1", USER).googleUser("refresh-2", USER);
        upstream.bearerTokens((user, token) -> tokens.googleTokenUser(token).map(user::equals).orElse(false));
        testTokens.googleClient("client-t", "client-secret-t").googleUser("refresh-t", USER);
        testUpstream.bearerTokens((user, token) -> testTokens.googleTokenUser(token).map(user::equals).orElse(false));
        refusingUpstream.bearerTokens((user, token) -> false);
        regrantUpstream.bearerTokens((user, token) -> testTokens.googleTokenUser(token).map(user::equals).orElse(false));
        tokens.microsoftApp("contoso.test", "ms-client", "ms-secret").microsoftUser("ms-refresh-0", MAILBOX);
        msUpstream.bearerTokens((user, token) -> tokens.microsoftTokenMailbox(token).map(user::equals).orElse(false));
        for (String name : List.of("acct-oauth", "acct-test", "acct-ms", "acct-switch", "acct-regrant")) {
            accounts.create(name).allowSender(name, name + "@example.com");
            keys.put(name, accounts.issueKey(name).key);
        }
        put("acct-oauth", settings(upstream.port(), tokens), "{\"clientSecret\": \"client-secret-1\", \"refreshToken\": \"refresh-1\"}");
        put("acct-test", settings(testUpstream.port(), testTokens), "{\"clientSecret\": \"client-secret-t\", \"refreshToken\": \"refresh-t\"}");
        put("acct-ms", "{\"host\": \"127.0.0.1\", \"port\": \"" + msUpstream.port() + "\", \"security\": \"plaintext\", "
            + "\"allowPlaintext\": \"true\", \"auth\": \"xoauth2\", \"oauthServer\": \"microsoft\", \"tenantId\": \"contoso.test\", "
            + "\"clientId\": \"ms-client\", \"username\": \"" + MAILBOX + "\"}", "{\"clientSecret\": \"ms-secret\", \"refreshToken\": \"ms-refresh-0\"}");
    }

    @AfterAll
    static void stop() throws Exception {
        upstream.close();
        testUpstream.close();
        refusingUpstream.close();
        regrantUpstream.close();
        msUpstream.close();
        tokens.close();
        testTokens.close();
    }

    private static String settings(int port, FakeProviders endpoint) {
        return "{\"host\": \"127.0.0.1\", \"port\": \"" + port + "\", \"security\": \"plaintext\", \"allowPlaintext\": \"true\", "
            + "\"auth\": \"xoauth2\", \"oauthServer\": \"" + endpoint.googleTokenUri() + "\", \"clientId\": \"client-"
            + (endpoint == tokens ? "1" : "t") + "\", \"username\": \"" + USER + "\"}";
    }

    private static HttpResponse<String> putProvider(String account, String settings, String secrets) throws Exception {
        return webAdmin.put("/postbridge/accounts/" + account + "/provider", "{\"provider\": \"smtp\", \"settings\": " + settings
            + (secrets == null ? "" : ", \"secrets\": " + secrets) + "}");
    }

    private static void put(String account, String settings, String secrets) throws Exception {
        HttpResponse<String> put = putProvider(account, settings, secrets);
        assertThat(put.statusCode()).as(put.body()).isEqualTo(204);
    }

    private static String send(String account, String id) throws Exception {
        byte[] message = ("From: " + account + "@example.com\r\nTo: bob@remote.test\r\nSubject: " + id + "\r\nMessage-ID: <" + id
            + ">\r\n\r\nhello\r\n").getBytes(StandardCharsets.US_ASCII);
        try (SmtpClient smtp = SmtpClient.connect(submission)) {
            smtp.ehlo();
            smtp.startTls();
            assertThat(smtp.authPlain(account, keys.get(account))).startsWith("235");
            return ApiDeliverySupport.transaction(smtp, account + "@example.com", List.of("bob@remote.test"), message);
        }
    }

    private static List<FakeUpstream.Received> with(FakeUpstream server, String id) {
        return server.received().stream().filter(r -> r.text().contains("<" + id + ">")).collect(Collectors.toList());
    }

    @Test
    void anAccountWithXOAuth2SendsOverOneConnectionWithOneTokenAndANewRefreshTokenAppliesWithoutARestart() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertThat(send("acct-oauth", "x-" + i + "@test")).startsWith("250");
        }
        AWAIT.untilAsserted(() -> {
            for (int i = 0; i < 5; i++) {
                assertThat(with(upstream, "x-" + i + "@test")).singleElement().satisfies(r -> assertThat(r.authenticatedAs).isEqualTo(USER));
            }
        });
        assertThat(upstream.accepts()).isEqualTo(1);
        assertThat(upstream.authSuccesses(USER)).isEqualTo(1);
        assertThat(tokens.googleTokenRequests()).isEqualTo(1);
        AWAIT.until(() -> Events.typesFor(webAdmin, "x-4@test").contains("delivered"));
        String events = Events.eventsFor(webAdmin, "x-4@test").toString();
        assertThat(events).contains("as " + USER + " (XOAUTH2) (account acct-oauth)").doesNotContain("client-secret-1")
            .doesNotContain("refresh-1");

        // the secrets are write-only
        HttpResponse<String> get = webAdmin.get("/postbridge/accounts/acct-oauth/provider");
        assertThat(get.statusCode()).isEqualTo(200);
        JsonNode provider = WebAdmin.parse(get.body());
        assertThat(provider.path("settings").path("auth").asText()).isEqualTo("xoauth2");
        assertThat(provider.path("settings").path("clientId").asText()).isEqualTo("client-1");
        assertThat(provider.path("secrets").toString()).contains("clientSecret").contains("refreshToken");
        assertThat(get.body()).doesNotContain("client-secret-1").doesNotContain("refresh-1");
        assertThat(webAdmin.get("/postbridge/smtp/pools").body()).doesNotContain("client-secret-1").doesNotContain("refresh-1");

        // a new refresh token: new credentials, so a new connection with a token issued for it, at once
        put("acct-oauth", settings(upstream.port(), tokens), "{\"refreshToken\": \"refresh-2\"}");
        tokens.revokeGoogleUser("refresh-1");
        assertThat(send("acct-oauth", "x-new@test")).startsWith("250");
        AWAIT.untilAsserted(() -> assertThat(with(upstream, "x-new@test")).singleElement()
            .satisfies(r -> assertThat(r.authenticatedAs).isEqualTo(USER)));
        assertThat(tokens.googleTokenRequests()).isEqualTo(2);
        assertThat(upstream.authSuccesses(USER)).isEqualTo(2);
        assertThat(Events.typesFor(webAdmin, "x-new@test")).doesNotContain("deferred");
    }

    @Test
    void aMicrosoft365AccountSendsWithOneDelegatedTokenAndKeepsTheRefreshTokenMicrosoftRotated() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(send("acct-ms", "ms-" + i + "@test")).startsWith("250");
        }
        AWAIT.untilAsserted(() -> {
            for (int i = 0; i < 3; i++) {
                assertThat(with(msUpstream, "ms-" + i + "@test")).singleElement()
                    .satisfies(r -> assertThat(r.authenticatedAs).isEqualTo(MAILBOX));
            }
        });
        assertThat(msUpstream.accepts()).isEqualTo(1);
        assertThat(msUpstream.authSuccesses(MAILBOX)).isEqualTo(1);
        assertThat(tokens.microsoftTokenRequests()).isEqualTo(1);
        assertThat(tokens.violations()).isEmpty();
        // the fake, like Entra, replaced ms-refresh-0 on that use and no longer takes it: a fresh token for the saved
        // settings works only if the rotated refresh token was stored
        JsonNode check = test("acct-ms", "");
        assertThat(stages(check)).as(check.toString()).containsExactly("dns:true", "tcp:true", "tls:true", "token:true", "auth:true");
        assertThat(webAdmin.get("/postbridge/accounts/acct-ms/provider").body()).doesNotContain("ms-secret").doesNotContain("ms-refresh");
    }

    @Test
    void theConnectionTestReportsTheTokenAndAuthStagesAndSendsNothing() throws Exception {
        JsonNode ok = test("acct-test", "");
        assertThat(ok.path("verdict").asText()).as(ok.toString()).isEqualTo("ok");
        assertThat(stages(ok)).containsExactly("dns:true", "tcp:true", "tls:true", "token:true", "auth:true");
        assertThat(ok.path("serverReply").asText()).startsWith("235");
        assertThat(ok.toString()).doesNotContain("client-secret-t").doesNotContain("refresh-t");

        // the token endpoint refuses the refresh token: the token stage fails with its error, AUTH is never tried
        JsonNode revoked = test("acct-test", "{\"settings\": " + settings(testUpstream.port(), testTokens)
            + ", \"secrets\": {\"refreshToken\": \"revoked\"}}");
        assertThat(revoked.path("failedStage").asText()).as(revoked.toString()).isEqualTo("token");
        assertThat(stages(revoked)).containsExactly("dns:true", "tcp:true", "tls:true", "token:false");
        assertThat(revoked.path("stages").get(3).path("detail").asText()).contains("invalid_grant");

        // the upstream refuses the token: the AUTH stage fails with the server's own reply
        JsonNode refused = test("acct-test", "{\"settings\": " + settings(refusingUpstream.port(), testTokens) + "}");
        assertThat(refused.path("failedStage").asText()).as(refused.toString()).isEqualTo("auth");
        assertThat(stages(refused)).containsExactly("dns:true", "tcp:true", "tls:true", "token:true", "auth:false");
        // as Gmail does: a 334 challenge with a base64 JSON error, shown decoded in the stage
        assertThat(refused.path("serverReply").asText()).startsWith("334 ");
        assertThat(refused.path("stages").get(4).path("detail").asText()).contains("refused the access token of " + USER)
            .contains("\"status\":\"400\"");
        assertThat(refused.toString()).doesNotContain("client-secret-t").doesNotContain("refresh-t");

        assertThat(testUpstream.received()).isEmpty();
        assertThat(refusingUpstream.received()).isEmpty();
        assertThat(refusingUpstream.authSuccesses(USER)).isZero();
    }

    @Test
    void aRevokedGrantBouncesTheMailAndFlagsTheAccountForReConsentUntilANewRefreshTokenIsSaved() throws Exception {
        String provider = "/postbridge/accounts/acct-regrant/provider";
        // the token endpoint knows the client, not this refresh token: invalid_grant, as for a revoked consent
        put("acct-regrant", settings(regrantUpstream.port(), testTokens),
            "{\"clientSecret\": \"client-secret-t\", \"refreshToken\": \"refresh-revoked\"}");
        assertThat(webAdmin.getJson(provider).path("needsReconsent").isNull()).isTrue();
        assertThat(send("acct-regrant", "rg-1@test")).startsWith("250");
        AWAIT.until(() -> Events.typesFor(webAdmin, "rg-1@test").contains("bounced"));
        assertThat(Events.typesFor(webAdmin, "rg-1@test")).doesNotContain("deferred");
        assertThat(Events.eventsFor(webAdmin, "rg-1@test").toString()).contains("invalid_grant")
            .doesNotContain("client-secret-t").doesNotContain("refresh-revoked");
        assertThat(webAdmin.getJson(provider).path("needsReconsent").asText()).contains("invalid_grant");
        assertThat(webAdmin.getJson("/postbridge/accounts/acct-regrant").path("needsReconsent").asText()).contains("invalid_grant");
        assertThat(regrantUpstream.received()).isEmpty();

        // the user consents again: the new refresh token clears the flag and the next mail leaves
        put("acct-regrant", settings(regrantUpstream.port(), testTokens), "{\"refreshToken\": \"refresh-t\"}");
        assertThat(webAdmin.getJson(provider).path("needsReconsent").isNull()).isTrue();
        assertThat(send("acct-regrant", "rg-2@test")).startsWith("250");
        AWAIT.untilAsserted(() -> assertThat(with(regrantUpstream, "rg-2@test")).singleElement()
            .satisfies(r -> assertThat(r.authenticatedAs).isEqualTo(USER)));
    }

    @Test
    void badXOAuth2SettingsAreRefusedNamingTheField() throws Exception {
        String valid = settings(testUpstream.port(), testTokens);
        assertBadRequest(putProvider("acct-test", valid.replace(", \"clientId\": \"client-t\"", ""), null), "settings.clientId");
        assertBadRequest(putProvider("acct-test", valid.replace(", \"username\": \"" + USER + "\"", ""), null), "settings.username");
        assertBadRequest(putProvider("acct-test", valid.replace(testTokens.googleTokenUri().toString(), "yahoo"), null),
            "settings.oauthServer");
        assertBadRequest(putProvider("acct-test", valid.replace(testTokens.googleTokenUri().toString(), "microsoft"), null),
            "settings.tenantId");
        assertBadRequest(putProvider("acct-test", valid.replace("xoauth2", "kerberos"), null), "settings.auth");
        assertBadRequest(putProvider("acct-test", valid, "{\"password\": \"x\"}"), "password");
        assertBadRequest(putProvider("acct-test", valid, "{\"refreshToken\": 42}"), "secrets");
        assertBadRequest(webAdmin.put("/postbridge/accounts/acct-test/provider", "{\"provider\": \"smtp\", \"settings\": {"), "JSON");
        assertBadRequest(webAdmin.post("/postbridge/accounts/acct-test/provider/test", "{\"settings\": "
            + valid.replace(", \"clientId\": \"client-t\"", "") + "}"), "settings.clientId");
        // nothing refused was stored: the saved settings still test fine
        assertThat(test("acct-test", "").path("verdict").asText()).isEqualTo("ok");
    }

    @Test
    void switchingFromPasswordToXOAuth2LeavesNoPasswordBehind() throws Exception {
        put("acct-switch", "{\"host\": \"127.0.0.1\", \"port\": \"" + testUpstream.port() + "\", \"security\": \"plaintext\", "
            + "\"allowPlaintext\": \"true\", \"username\": \"someone\"}", "{\"password\": \"old-app-password\"}");
        assertThat(WebAdmin.parse(webAdmin.get("/postbridge/accounts/acct-switch/provider").body()).path("secrets").toString())
            .isEqualTo("[\"password\"]");
        put("acct-switch", settings(testUpstream.port(), testTokens), "{\"clientSecret\": \"client-secret-t\", \"refreshToken\": \"refresh-t\"}");
        JsonNode provider = WebAdmin.parse(webAdmin.get("/postbridge/accounts/acct-switch/provider").body());
        assertThat(provider.path("secrets").toString()).isEqualTo("[\"clientSecret\",\"refreshToken\"]");
        assertThat(test("acct-switch", "").path("verdict").asText()).isEqualTo("ok");
    }

    private static void assertBadRequest(HttpResponse<String> response, String naming) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.body()).contains(naming);
    }

    private static JsonNode test(String account, String body) throws Exception {
        HttpResponse<String> response = webAdmin.post("/postbridge/accounts/" + account + "/provider/test", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return WebAdmin.parse(response.body());
    }

    private static List<String> stages(JsonNode result) {
        return java.util.stream.StreamSupport.stream(result.path("stages").spliterator(), false)
            .map(s -> s.path("stage").asText() + ":" + s.path("ok").asBoolean()).collect(Collectors.toList());
    }
}
