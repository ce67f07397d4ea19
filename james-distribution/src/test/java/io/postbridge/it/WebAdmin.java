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
    /**
     * HTTP/1.1, as WebAdmin speaks it: the JDK client's default (HTTP/2, so an h2c upgrade offer on every GET) once
     * left a GET to Jetty unanswered for good. Every request also ends within {@link #TIMEOUT}, so a server that does
     * not answer fails the test instead of hanging the build.
     */
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(java.time.Duration.ofSeconds(10)).build();
    private static final java.time.Duration TIMEOUT = java.time.Duration.ofMinutes(3);
    private final int port;

    public WebAdmin(int port) {
        this.port = port;
    }

    public HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(pathAndQuery)).timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> put(String path, String json) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).timeout(TIMEOUT).header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> post(String path, String json) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).timeout(TIMEOUT).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** PATCH without a body (WebAdmin actions such as {@code ?action=reprocess}). */
    public HttpResponse<String> patch(String pathAndQuery) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(pathAndQuery)).timeout(TIMEOUT).method("PATCH", HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    /** PATCH with a JSON body (for instance {@code /mailQueues/{name}/mails?delayed=true} with {@code {"delayed": false}}). */
    public HttpResponse<String> patch(String pathAndQuery, String json) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(pathAndQuery)).timeout(TIMEOUT).header("Content-Type", "application/json")
            .method("PATCH", HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> delete(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).timeout(TIMEOUT).DELETE().build(), HttpResponse.BodyHandlers.ofString());
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
