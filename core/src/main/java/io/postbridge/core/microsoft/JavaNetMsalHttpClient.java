package io.postbridge.core.microsoft;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import com.microsoft.aad.msal4j.HttpRequest;
import com.microsoft.aad.msal4j.HttpResponse;
import com.microsoft.aad.msal4j.IHttpClient;
import com.microsoft.aad.msal4j.IHttpResponse;

/**
 * msal4j's HTTP through {@code java.net.http}, with one timeout for every call. Optionally sends every request to
 * another base URL (tests: a local fake token endpoint), keeping the real authority in msal4j: msal4j only caches
 * tokens of https authorities on the default port.
 */
final class JavaNetMsalHttpClient implements IHttpClient {
    private static final Set<String> RESTRICTED_HEADERS = Set.of("host", "content-length", "connection", "expect", "upgrade");

    private final HttpClient http;
    private final Duration timeout;
    private final Optional<URI> redirectTo;

    JavaNetMsalHttpClient(Duration timeout, Optional<URI> redirectTo) {
        this.timeout = Objects.requireNonNull(timeout);
        this.redirectTo = Objects.requireNonNull(redirectTo);
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public IHttpResponse send(HttpRequest request) throws Exception {
        java.net.http.HttpRequest.Builder builder = java.net.http.HttpRequest.newBuilder(target(request.url())).timeout(timeout);
        for (Map.Entry<String, String> header : request.headers().entrySet()) {
            if (header.getValue() != null && !RESTRICTED_HEADERS.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                builder.header(header.getKey(), header.getValue());
            }
        }
        String body = request.body();
        builder.method(request.httpMethod().methodName,
            body == null ? java.net.http.HttpRequest.BodyPublishers.noBody() : java.net.http.HttpRequest.BodyPublishers.ofString(body));
        java.net.http.HttpResponse<String> response = http.send(builder.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        HttpResponse result = new HttpResponse().statusCode(response.statusCode()).body(response.body());
        result.addHeaders(response.headers().map());
        return result;
    }

    private URI target(URL url) throws Exception {
        if (redirectTo.isEmpty()) {
            return url.toURI();
        }
        String base = redirectTo.get().toString().replaceAll("/+$", "");
        return URI.create(base + url.getPath() + (url.getQuery() == null ? "" : "?" + url.getQuery()));
    }
}
