package io.postbridge.core.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A local stand-in for the Microsoft Entra token endpoint ({@code POST /{tenant}/oauth2/v2.0/token}, client
 * credentials grant), following the documented contract: 200 with an access token for a registered
 * (tenant, client, secret), 401 {@code invalid_client} (AADSTS7000215) for a wrong secret, 400
 * {@code unauthorized_client} (AADSTS700016) for an unknown app, 400 {@code invalid_request} (AADSTS900144) for a
 * body that is not a form and 400 {@code invalid_scope} (AADSTS1002012) for a scope without {@code /.default}, as
 * Entra answers them. Records every request.
 */
public final class FakeEntra implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, String> secrets = new ConcurrentHashMap<>();
    private final List<Map<String, String>> tokenRequests = new CopyOnWriteArrayList<>();
    private volatile int failWithStatus;

    public FakeEntra() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Registers an app: tokens are issued for this secret. */
    public FakeEntra register(String tenant, String client, String secret) {
        secrets.put(tenant + "|" + client, secret);
        return this;
    }

    /** Makes every request fail with this status (e.g. 503), or 0 to behave again. */
    public void failWith(int status) {
        failWithStatus = status;
    }

    public URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    public List<Map<String, String>> tokenRequests() {
        return tokenRequests;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String[] path = exchange.getRequestURI().getPath().split("/");
        Map<String, String> form = form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        if (!"POST".equals(exchange.getRequestMethod()) || path.length != 5 || !path[2].equals("oauth2") || !path[4].equals("token")) {
            respond(exchange, 404, "{\"error\":\"not_found\"}");
            return;
        }
        form.put("tenant", path[1]);
        tokenRequests.add(form);
        if (failWithStatus != 0) {
            respond(exchange, failWithStatus, "{\"error\":\"temporarily_unavailable\",\"error_description\":\"AADSTS90033: try again\"}");
            return;
        }
        String expected = secrets.get(path[1] + "|" + form.get("client_id"));
        String type = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type")).toLowerCase(java.util.Locale.ROOT);
        if (!type.startsWith("application/x-www-form-urlencoded")) {
            // Entra reads only a form body: anything else is a request without parameters
            respond(exchange, 400, "{\"error\":\"invalid_request\",\"error_description\":\"AADSTS900144: The request body must"
                + " contain the following parameter: 'grant_type'.\",\"error_codes\":[900144]}");
        } else if (!form.getOrDefault("scope", "").contains("/.default")) {
            respond(exchange, 400, "{\"error\":\"invalid_scope\",\"error_description\":\"AADSTS1002012: The provided value for"
                + " scope " + form.get("scope") + " is not valid. Client credential flows must have a scope value with /.default"
                + " suffixed to the resource identifier (application ID URI).\",\"error_codes\":[1002012]}");
        } else if (!"client_credentials".equals(form.get("grant_type"))) {
            respond(exchange, 400, "{\"error\":\"unsupported_grant_type\"}");
        } else if (expected == null) {
            respond(exchange, 400, "{\"error\":\"unauthorized_client\",\"error_description\":\"AADSTS700016: Application with identifier '"
                + form.get("client_id") + "' was not found in the directory.\",\"error_codes\":[700016]}");
        } else if (!expected.equals(form.get("client_secret"))) {
            respond(exchange, 401, "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: Invalid client secret provided.\",\"error_codes\":[7000215]}");
        } else {
            respond(exchange, 200, "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"ext_expires_in\":3599,\"access_token\":\"eyJ0eXAiOiJKV1Qi.fake."
                + tokenRequests.size() + "\"}");
        }
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            int equals = pair.indexOf('=');
            if (equals > 0) {
                form.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
            }
        }
        return form;
    }

    private static void respond(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
