package io.postbridge.auth.webadmin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.List;

import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.webadmin.WebAdminConfiguration;
import org.apache.james.webadmin.WebAdminServer;
import org.apache.james.webadmin.authentication.NoAuthenticationFilter;
import org.apache.james.webadmin.mdc.LoggingRequestFilter;
import org.apache.james.webadmin.utils.JsonTransformer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** {@code POST /postbridge/bounces/parse} on James's own WebAdmin server: raw message in, the parser's JSON out. */
class BounceRoutesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static WebAdminServer server;
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        server = new WebAdminServer(WebAdminConfiguration.TEST_CONFIGURATION, List.of(new BounceRoutes(new JsonTransformer())),
            new NoAuthenticationFilter(), new RecordingMetricFactory(), LoggingRequestFilter.create()) { };
        server.start();
        base = "http://127.0.0.1:" + server.getPort().getValue();
    }

    @AfterAll
    static void stop() {
        server.destroy();
    }

    private static HttpResponse<String> post(byte[] body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + "/postbridge/bounces/parse"))
            .header("Content-Type", "message/rfc822").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aRealEximBounceIsReturnedAsTheDocumentedJson() throws Exception {
        // a bounce made by a real Exim (core's labelled corpus, tools/bounce/make-exim-corpus.sh)
        byte[] bounce = Files.readAllBytes(Paths.get("../core/src/test/resources/bounce-corpus/exim/exim-two-recipients.eml"));
        HttpResponse<String> response = post(bounce);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode json = JSON.readTree(response.body());
        assertThat(json.path("version").asInt()).isEqualTo(1);
        assertThat(json.path("kind").asText()).isEqualTo("bounce");
        assertThat(json.path("format").asText()).isEqualTo("rfc3464");
        assertThat(json.path("original").path("messageId").asText()).isEqualTo("<two-recipients@postbridge.test>");
        JsonNode first = json.path("recipients").get(0);
        assertThat(first.path("address").asText()).isEqualTo("nobody@sink.example");
        assertThat(first.path("status").asText()).isEqualTo("5.1.1");
        assertThat(first.path("hardness").asText()).isEqualTo("hard");
        assertThat(first.path("reason").asText()).isEqualTo("userunknown");
        assertThat(first.path("remoteReply").asText()).startsWith("550 5.1.1 <nobody@sink.example>");
        assertThat(json.path("recipients").get(1).path("reason").asText()).isEqualTo("mailboxfull");
    }

    @Test
    void ordinaryMailIsNotABounce() throws Exception {
        JsonNode json = JSON.readTree(post("From: a@example.com\r\nSubject: hi\r\n\r\nhello\r\n".getBytes()).body());

        assertThat(json.path("kind").asText()).isEqualTo("not-a-bounce");
        assertThat(json.path("recipients")).isEmpty();
    }

    @Test
    void anEmptyBodyIsABadRequestSayingWhatIsExpected() throws Exception {
        HttpResponse<String> response = post(new byte[0]);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).path("message").asText()).contains("raw message");
    }
}
