package io.postbridge.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.james.JamesServerExtension;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.subethamail.wiser.WiserMessage;

import com.fasterxml.jackson.databind.JsonNode;

import io.postbridge.it.Accounts;
import io.postbridge.it.Events;
import io.postbridge.it.FakeMx;
import io.postbridge.it.WebAdmin;

/**
 * The HTTPS JSON variant of the API on the public web listener of a real in-process James: the same outcomes as
 * GrpcApiTest (mail at the fake MX signed with DKIM under the account's policy, codes valid once), HTTP statuses for
 * the same refusals, and the OpenAPI description at its stable URL with the listener's security headers.
 */
class HttpsApiTest {
    private static final ConditionFactory AWAIT = ApiFixture.AWAIT;
    private static final int PORT = FakeMx.freePort();

    @RegisterExtension
    @Order(1)
    static FakeMx mx = new FakeMx();
    private static final ApiFixture API = new ApiFixture(mx);

    @RegisterExtension
    @Order(2)
    static JamesServerExtension james = API.james(Map.of("consent.enabled", "true", "consent.web.host", "127.0.0.1",
        "consent.web.port", Integer.toString(PORT), "consent.web.externalUrl", "https://127.0.0.1:" + PORT,
        "consent.smtp.host", "smtp.example.com", "auth.failures.max", "1000"));

    private static WebAdmin webAdmin;
    private static Accounts accounts;
    private static String shopKey;
    private static HttpClient http;

    @BeforeAll
    static void setUp() throws Exception {
        API.openShop(james);
        webAdmin = API.webAdmin();
        accounts = API.accounts();
        shopKey = API.shopKey();
        http = HttpClient.newBuilder().sslContext(GrpcClients.trustingServer(API.keystore(), ApiFixture.KEYSTORE_PASSWORD)).build();
    }

    private static HttpResponse<String> post(String path, String key, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + PORT + path))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static WiserMessage delivered(String messageId) {
        return API.delivered(messageId, 1).get(0);
    }

    @Test
    void postMailReachesTheMxSignedWithDkimAsTheAccount() throws Exception {
        String pdf = Base64.getEncoder().encodeToString("%PDF-1.4 test".getBytes(StandardCharsets.US_ASCII));
        HttpResponse<String> response = post("/api/v1/mail", shopKey, "{\"to\": [\"bob@remote.test\"], \"bcc\": [\"dave@remote.test\"],"
            + " \"from\": \"orders@example.com\", \"subject\": \"Order 43\", \"text\": \"on its way\", \"html\": \"<p>on its way</p>\","
            + " \"headers\": {\"X-Order\": \"43\"}, \"attachments\": [{\"filename\": \"invoice.pdf\", \"contentType\": \"application/pdf\","
            + " \"content\": \"" + pdf + "\"}]}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode json = WebAdmin.parse(response.body());
        assertThat(json.path("duplicate").asBoolean(true)).isFalse();
        WiserMessage received = delivered(json.path("messageId").asText());
        assertThat(received.getEnvelopeSender()).isEqualTo("orders@example.com");
        assertThat(received.getMimeMessage().getHeader("DKIM-Signature", null)).contains("d=example.com");
        assertThat(received.getMimeMessage().getHeader("X-Order", null)).isEqualTo("43");
        assertThat(received.getMimeMessage().getHeader("Bcc")).isNull();
        assertThat(new String(received.getData(), StandardCharsets.UTF_8)).contains("invoice.pdf");
        AWAIT.until(() -> mx.messages().stream().anyMatch(m -> m.getEnvelopeReceiver().equals("dave@remote.test")));
        AWAIT.until(() -> Events.typesFor(webAdmin, json.path("messageId").asText()).contains("delivered"));
        assertThat(Events.eventsFor(webAdmin, json.path("messageId").asText()).get(0).path("account").asText()).isEqualTo("shop");
    }

    @Test
    void refusalsHaveTheirHttpStatus() throws Exception {
        String wrong = shopKey.substring(0, shopKey.length() - 2) + (shopKey.endsWith("AA") ? "BB" : "AA");
        String valid = "{\"to\": [\"bob@remote.test\"], \"from\": \"orders@example.com\", \"text\": \"x\"}";

        HttpResponse<String> noKey = post("/api/v1/mail", null, valid);
        HttpResponse<String> badKey = post("/api/v1/mail", wrong, valid);
        HttpResponse<String> badInput = post("/api/v1/mail", shopKey, "{\"to\": [\"not an address\"], \"from\": \"orders@example.com\", \"text\": \"x\"}");
        HttpResponse<String> unknownField = post("/api/v1/mail", shopKey, "{\"To\": [\"bob@remote.test\"]}");
        HttpResponse<String> badSender = post("/api/v1/mail", shopKey, "{\"to\": [\"bob@remote.test\"], \"from\": \"ceo@other.test\", \"text\": \"x\"}");

        assertThat(noKey.statusCode()).isEqualTo(401);
        assertThat(badKey.statusCode()).isEqualTo(401);
        assertThat(WebAdmin.parse(badKey.body()).path("type").asText()).isEqualTo("UNAUTHENTICATED");
        assertThat(badInput.statusCode()).isEqualTo(400);
        assertThat(WebAdmin.parse(badInput.body()).path("field").asText()).isEqualTo("to[0]");
        assertThat(unknownField.statusCode()).isEqualTo(400);
        assertThat(unknownField.body()).contains("To");
        assertThat(badSender.statusCode()).isEqualTo(403);
        assertThat(badSender.body()).contains("ceo@other.test");
    }

    @Test
    void theRateLimitIs429WithRetryAfter() throws Exception {
        accounts.create("bursty").allowSender("bursty", "bursty@example.com").limits("bursty", "{\"messagesPerMinute\": 1}");
        String key = accounts.issueKey("bursty").key;
        String mail = "{\"to\": [\"bob@remote.test\"], \"from\": \"bursty@example.com\", \"text\": \"x\"}";
        assertThat(post("/api/v1/mail", key, mail).statusCode()).isEqualTo(200);

        HttpResponse<String> refused = post("/api/v1/mail", key, mail);

        assertThat(refused.statusCode()).isEqualTo(429);
        long retry = Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retry).isBetween(1L, 60L);
        assertThat(WebAdmin.parse(refused.body()).path("retryAfterSeconds").asLong()).isEqualTo(retry);
    }

    @Test
    void anIdempotencyKeyQueuesTheMailOnce() throws Exception {
        String mail = "{\"to\": [\"frank@remote.test\"], \"from\": \"orders@example.com\", \"text\": \"once\", \"idempotencyKey\": \"k-1\"}";

        JsonNode first = WebAdmin.parse(post("/api/v1/mail", shopKey, mail).body());
        JsonNode again = WebAdmin.parse(post("/api/v1/mail", shopKey, mail).body());

        assertThat(again.path("messageId").asText()).isEqualTo(first.path("messageId").asText());
        assertThat(again.path("duplicate").asBoolean()).isTrue();
    }

    @Test
    void aCodeGoesOutByMailAndValidatesOnce() throws Exception {
        HttpResponse<String> sent = post("/api/v1/otp/send", shopKey,
            "{\"email\": \"grace@remote.test\", \"purpose\": \"login\", \"from\": \"security@example.com\"}");
        assertThat(sent.statusCode()).as(sent.body()).isEqualTo(200);
        JsonNode json = WebAdmin.parse(sent.body());
        assertThat(json.path("expiresInSeconds").asLong()).isEqualTo(120);
        WiserMessage received = delivered(json.path("messageId").asText());
        Matcher code = Pattern.compile("Your code is ([0-9]{6})").matcher(new String(received.getData(), StandardCharsets.UTF_8));
        assertThat(code.find()).isTrue();
        String validate = "{\"email\": \"grace@remote.test\", \"code\": \"" + code.group(1) + "\", \"purpose\": \"login\"}";

        assertThat(WebAdmin.parse(post("/api/v1/otp/validate", shopKey, validate).body()).path("valid").asBoolean()).isTrue();
        assertThat(WebAdmin.parse(post("/api/v1/otp/validate", shopKey, validate).body()).path("valid").asBoolean()).isFalse();
        assertThat(post("/api/v1/otp/send", shopKey, "{\"email\": \"grace@remote.test\", \"purpose\": \"login\","
            + " \"from\": \"security@example.com\"}").statusCode()).isEqualTo(429);
        assertThat(post("/api/v1/otp/validate", shopKey, "{\"email\": \"grace\", \"code\": \"1\"}").statusCode()).isEqualTo(400);
        assertThat(post("/api/v1/otp/validate", "pbk_nonsense", validate).statusCode()).isEqualTo(401);
    }

    @Test
    void theOpenApiDescriptionIsAtItsStableUrlWithTheListenersHeaders() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + PORT + "/api/v1/openapi.yaml"))
            .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).startsWith("openapi: 3.0.3").contains("/otp/validate", "/mail", "bearer");
        assertThat(response.headers().firstValue("Content-Security-Policy")).isPresent();
        assertThat(response.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    }
}
