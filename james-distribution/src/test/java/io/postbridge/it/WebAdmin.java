package io.postbridge.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A plain HTTP client for James WebAdmin on loopback. */
public final class WebAdmin {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final int port;

    public WebAdmin(int port) {
        this.port = port;
    }

    public HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(pathAndQuery)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> put(String path, String json) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** PATCH without a body (WebAdmin actions such as {@code ?action=reprocess}). */
    public HttpResponse<String> patch(String pathAndQuery) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(pathAndQuery)).method("PATCH", HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    /** PATCH with a JSON body (for instance {@code /mailQueues/{name}/mails?delayed=true} with {@code {"delayed": false}}). */
    public HttpResponse<String> patch(String pathAndQuery, String json) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(pathAndQuery)).header("Content-Type", "application/json")
            .method("PATCH", HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> delete(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    }

    public JsonNode getJson(String pathAndQuery) throws IOException, InterruptedException {
        HttpResponse<String> response = get(pathAndQuery);
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + pathAndQuery + " -> " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body());
    }

    public static JsonNode parse(String body) throws IOException {
        return JSON.readTree(body);
    }

    /** Creates a James user (mailbox owner). */
    public void addUser(String address, String password) throws IOException, InterruptedException {
        HttpResponse<String> response = put("/users/" + address, "{\"password\":\"" + password + "\"}");
        if (response.statusCode() != 204) {
            throw new IllegalStateException("PUT /users/" + address + " -> " + response.statusCode() + " " + response.body());
        }
    }

    private URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }
}
