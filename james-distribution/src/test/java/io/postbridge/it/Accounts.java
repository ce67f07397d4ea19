package io.postbridge.it;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;

/** Sets up Postbridge accounts the way an operator does: through WebAdmin. */
public final class Accounts {
    private final WebAdmin webAdmin;

    public Accounts(WebAdmin webAdmin) {
        this.webAdmin = webAdmin;
    }

    public Accounts create(String name, String json) throws Exception {
        expect(webAdmin.put("/postbridge/accounts/" + name, json), 201);
        return this;
    }

    public Accounts create(String name) throws Exception {
        return create(name, "");
    }

    public Accounts update(String name, String json) throws Exception {
        expect(webAdmin.put("/postbridge/accounts/" + name, json), 204);
        return this;
    }

    public Accounts allowSender(String name, String sender) throws Exception {
        expect(webAdmin.put("/postbridge/accounts/" + name + "/senders/" + sender, ""), 201);
        return this;
    }

    public Accounts trustNetwork(String name, String cidr) throws Exception {
        expect(webAdmin.put("/postbridge/accounts/" + name + "/networks/" + encode(cidr), ""), 201);
        return this;
    }

    public Accounts untrustNetwork(String name, String cidr) throws Exception {
        expect(webAdmin.delete("/postbridge/accounts/" + name + "/networks/" + encode(cidr)), 204);
        return this;
    }

    public Accounts limits(String name, String json) throws Exception {
        expect(webAdmin.put("/postbridge/accounts/" + name + "/limits", json), 204);
        return this;
    }

    /** Issues a key and returns the whole key (shown only once). */
    public IssuedKey issueKey(String name) throws Exception {
        HttpResponse<String> response = expect(webAdmin.post("/postbridge/accounts/" + name + "/keys", ""), 201);
        JsonNode json = WebAdmin.parse(response.body());
        return new IssuedKey(json.path("keyId").asText(), json.path("key").asText());
    }

    public void revokeKey(String name, String keyId) throws Exception {
        expect(webAdmin.delete("/postbridge/accounts/" + name + "/keys/" + keyId), 204);
    }

    public static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static HttpResponse<String> expect(HttpResponse<String> response, int status) {
        if (response.statusCode() != status) {
            throw new IllegalStateException(response.request().method() + " " + response.request().uri() + " -> "
                + response.statusCode() + " " + response.body());
        }
        return response;
    }

    public static final class IssuedKey {
        public final String keyId;
        public final String key;

        IssuedKey(String keyId, String key) {
            this.keyId = keyId;
            this.key = key;
        }
    }
}
