package io.postbridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.james.JamesServerExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

import io.postbridge.it.Accounts;
import io.postbridge.it.PostbridgeJames;
import io.postbridge.it.WebAdmin;

/**
 * Every Postbridge route that takes a body reads it the same way: an unknown field or a value of the wrong type is a
 * 400 whose JSON message names the field, never silently ignored or replaced by a default.
 */
class WebAdminRequestsTest {
    @RegisterExtension
    static JamesServerExtension james = PostbridgeJames.extension(conf -> conf
        // written as DKIM's settings in the same file always could be (issue 10: this used to stop the start)
        .property("postbridge.properties", "events.retention", "30 days")
        // the walk's webhook endpoint is on loopback (nothing listens: no delivery is made in this test)
        .property("postbridge.properties", "webhooks.allowedTargets", "127.0.0.1/32"));

    private static WebAdmin webAdmin;

    @BeforeAll
    static void setUp() {
        webAdmin = PostbridgeJames.webAdmin(james.getGuiceJamesServer());
    }

    @Test
    void startsWithADurationInWords() throws Exception {
        assertThat(webAdmin.get("/postbridge/events?limit=1").statusCode()).isEqualTo(200);
    }

    @Test
    void dkimRefusesAWronglyTypedValueInsteadOfUsingTheDefault() throws Exception {
        assertError(webAdmin.post("/postbridge/dkim/domains/example.com/keys", "{\"rsaBits\":\"abc\"}"), 400, "'rsaBits' must be a whole number");
        assertError(webAdmin.post("/postbridge/dkim/domains/example.com/rotate", "{\"rsaBits\":\"abc\"}"), 400, "'rsaBits' must be a whole number");
        assertError(webAdmin.post("/postbridge/dkim/domains/example.com/keys", "{\"requireDnsMatch\":\"yes\"}"), 400,
            "'requireDnsMatch' must be true or false");
        assertError(webAdmin.post("/postbridge/dkim/domains/example.com/keys", "{\"activateAfter\":\"soon\"}"), 400, "'activateAfter'");
        assertError(webAdmin.post("/postbridge/dkim/domains/example.com/keys", "{\"selector\":5}"), 400, "'selector' must be a string");
        assertThat(webAdmin.getJson("/postbridge/dkim/domains/example.com/keys")).as("nothing was generated").isEmpty();
    }

    @Test
    void dkimRefusesUnknownFields() throws Exception {
        assertError(webAdmin.post("/postbridge/dkim/domains/example.com/keys", "{\"rsabits\":2048}"), 400, "unknown field 'rsabits'");
        assertError(webAdmin.post("/postbridge/dkim/domains/example.com/rotate", "{\"selector\":\"s1\"}"), 400, "unknown field 'selector'");
    }

    @Test
    void dkimStillGeneratesWithAGoodBodyAndAnActivationDelayWrittenInWords() throws Exception {
        HttpResponse<String> created = webAdmin.post("/postbridge/dkim/domains/words.example/keys",
            "{\"algorithm\":\"ed25519\",\"selector\":\"w1\",\"activateAfter\":\"2 days\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(WebAdmin.parse(created.body()).path("selector").asText()).isEqualTo("w1");
        assertThat(webAdmin.delete("/postbridge/dkim/domains/words.example/keys/w1").statusCode()).isEqualTo(204);
        assertError(webAdmin.get("/postbridge/dkim/domains/words.example/keys/w1"), 404, "w1");
    }

    @Test
    void providerAccountsRefuseUnknownFieldsAndWronglyTypedValues() throws Exception {
        assertError(webAdmin.put("/postbridge/provider-accounts/crm", "{\"provider\":\"gmail\",\"clientId\":\"c\",\"clientSecret\":\"s\","
            + "\"refreshToken\":\"r\",\"client_id\":\"c\"}"), 400, "unknown field 'client_id'");
        assertError(webAdmin.put("/postbridge/provider-accounts/crm", "{\"provider\":\"gmail\",\"clientId\":7,\"clientSecret\":\"s\","
            + "\"refreshToken\":\"r\"}"), 400, "'clientId' must be a string");
        assertError(webAdmin.put("/postbridge/provider-accounts/crm", "{\"provider\":\"gmail\",\"clientSecret\":\"s\",\"refreshToken\":\"r\"}"),
            400, "'clientId' is required");
        assertThat(webAdmin.getJson("/postbridge/provider-accounts")).as("nothing was stored").isEmpty();
    }

    @Test
    void aliasesRefuseUnknownFieldsAndWronglyTypedValues() throws Exception {
        assertError(webAdmin.put("/postbridge/aliases/sales@example.com", "{\"targets\":[\"a@x.example\"],\"keeptag\":true}"), 400,
            "unknown field 'keeptag'");
        assertError(webAdmin.put("/postbridge/aliases/sales@example.com", "{\"targets\":\"a@x.example\"}"), 400,
            "'targets' must be an array of strings");
        assertError(webAdmin.put("/postbridge/aliases/sales@example.com", "{\"targets\":[\"a@x.example\"],\"disabled\":\"maybe\"}"), 400,
            "'disabled' must be one of no, reject, drop");
    }

    @Test
    void accountsAndEventsAnswerBadParametersTheSameWay() throws Exception {
        assertError(webAdmin.put("/postbridge/accounts/typed", "{\"messagesPerMinute\":\"30\"}"), 400, "'messagesPerMinute' must be a whole number");
        assertError(webAdmin.get("/postbridge/events?limit=lots"), 400, "'limit' must be a whole number from 1 to 10000");
        assertError(webAdmin.get("/postbridge/events?type=exploded"), 400, "'type' must be one of");
    }

    /**
     * Every route that reads a JSON body, as "METHOD path": with the account {@code walk}, the webhook endpoint made in
     * the test and the global suppression scope. {@link #theWalkCoversEveryRouteThatReadsABody} keeps this complete.
     */
    private static List<String> bodyRoutes(String endpoint) {
        return List.of(
            "PUT /postbridge/accounts/walk",
            "POST /postbridge/accounts/walk/keys",
            "PUT /postbridge/accounts/walk/provider",
            "POST /postbridge/accounts/walk/provider/test",
            "PUT /postbridge/accounts/walk/limits",
            "PUT /postbridge/accounts/walk/otp-template",
            "PUT /postbridge/aliases/walk@example.com",
            "PUT /postbridge/consent/providers/google",
            "POST /postbridge/consent/invitations",
            "POST /postbridge/dkim/domains/walk.example/keys",
            "POST /postbridge/dkim/domains/walk.example/rotate",
            "PUT /postbridge/provider-accounts/walk",
            "PUT /postbridge/suppressions/global/policy",
            "PUT /postbridge/suppressions/global/walk@remote.test",
            "POST /postbridge/suppressions/global/remove",
            "POST /postbridge/webhooks",
            "PUT /postbridge/webhooks/" + endpoint,
            "POST /postbridge/webhooks/" + endpoint + "/secret");
    }

    @Test
    void everyRouteThatTakesABodyRefusesAWronglyTypedOrUnknownFieldNamingIt() throws Exception {
        new Accounts(webAdmin).create("walk");
        HttpResponse<String> created = webAdmin.post("/postbridge/webhooks", "{\"url\":\"http://127.0.0.1:9/walk\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String endpoint = WebAdmin.parse(created.body()).path("id").asText();
        for (String route : bodyRoutes(endpoint)) {
            String[] methodAndPath = route.split(" ", 2);
            // rsaBits is DKIM's whole number, and no field of any other route
            HttpResponse<String> typed = send(methodAndPath[0], methodAndPath[1], "{\"rsaBits\":\"abc\"}");
            assertThat(typed.statusCode()).as(route + ": " + typed.body()).isEqualTo(400);
            assertThat(WebAdmin.parse(typed.body()).path("message").asText()).as(route).contains("'rsaBits'");
            HttpResponse<String> unknown = send(methodAndPath[0], methodAndPath[1], "{\"noSuchField\":1}");
            assertThat(unknown.statusCode()).as(route + ": " + unknown.body()).isEqualTo(400);
            assertThat(WebAdmin.parse(unknown.body()).path("message").asText()).as(route).contains("unknown field 'noSuchField'");
        }
    }

    /** The walk above names as many routes as the route classes have places that read a JSON body. */
    @Test
    void theWalkCoversEveryRouteThatReadsABody() throws Exception {
        Pattern read = Pattern.compile("JsonBody\\.parse\\(\\w+, ");
        int readers = 0;
        for (Path file : routeClasses()) {
            Matcher matcher = read.matcher(Files.readString(file));
            while (matcher.find()) {
                readers++;
            }
        }
        assertThat(readers).isEqualTo(bodyRoutes("ep").size());
    }

    /** No route class reads JSON itself: every body goes through JsonBody. */
    @Test
    void noRouteClassParsesJsonOnItsOwn() throws Exception {
        for (Path file : routeClasses()) {
            if (!file.getFileName().toString().equals("JsonBody.java")) {
                assertThat(Files.readString(file)).as(file.toString()).doesNotContain("readTree(", "readValue(", "treeToValue(", "JsonParser");
            }
        }
    }

    private static List<Path> routeClasses() throws IOException {
        Path webadmin = Path.of("..", "auth-plugin", "src", "main", "java", "io", "postbridge", "auth", "webadmin");
        try (Stream<Path> files = Files.list(webadmin)) {
            List<Path> classes = files.filter(f -> f.toString().endsWith(".java")).sorted().collect(java.util.stream.Collectors.toList());
            assertThat(classes).as("the route classes under " + webadmin.toAbsolutePath()).hasSizeGreaterThan(10);
            return classes;
        }
    }

    private static HttpResponse<String> send(String method, String path, String body) throws Exception {
        return method.equals("PUT") ? webAdmin.put(path, body) : webAdmin.post(path, body);
    }

    private static void assertError(HttpResponse<String> response, int status, String messagePart) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode json = WebAdmin.parse(response.body());
        assertThat(json.path("statusCode").asInt()).isEqualTo(status);
        assertThat(json.path("message").asText()).contains(messagePart);
    }
}
