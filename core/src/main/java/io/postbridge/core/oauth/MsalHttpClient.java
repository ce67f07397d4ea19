package io.postbridge.core.oauth;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.microsoft.aad.msal4j.IHttpClient;
import com.microsoft.aad.msal4j.IHttpResponse;

import io.postbridge.core.http.BoundedHttp;

/**
 * msal4j's HTTP calls over the JDK client Postbridge uses everywhere (one proxy and timeout policy).
 * <p>
 * msal4j insists on an {@code https} authority and stops caching when the authority has a port, so a local fake
 * token endpoint cannot be configured as the authority itself. Instead the authority stays the real one
 * ({@code https://login.microsoftonline.com/}) and, when {@code redirectTo} is set, this client sends each request
 * to that base URL instead (same path and query): tests and staging point it at a local fake.
 */
public final class MsalHttpClient implements IHttpClient {
    /** Headers the JDK client sets itself and refuses from callers. */
    private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect", "upgrade");

    private final HttpClient http;
    private final Optional<URI> redirectTo;
    private final Duration timeout;

    public MsalHttpClient(HttpClient http, Optional<URI> redirectTo, Duration timeout) {
        this.http = http;
        this.redirectTo = redirectTo;
        this.timeout = timeout;
    }

    @Override
    public IHttpResponse send(com.microsoft.aad.msal4j.HttpRequest request) throws Exception {
        HttpRequest.Builder builder = HttpRequest.newBuilder(target(request.url())).timeout(timeout);
        for (Map.Entry<String, String> header : request.headers().entrySet()) {
            if (!RESTRICTED.contains(header.getKey().toLowerCase(Locale.ROOT)) && header.getValue() != null) {
                builder.header(header.getKey(), header.getValue());
            }
        }
        String body = request.body();
        builder.method(request.httpMethod().methodName,
            body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = BoundedHttp.send(http, builder.build(), HttpResponse.BodyHandlers.ofString());
        com.microsoft.aad.msal4j.HttpResponse result = new com.microsoft.aad.msal4j.HttpResponse();
        result.statusCode(response.statusCode());
        result.body(response.body());
        result.addHeaders(response.headers().map());
        return result;
    }

    URI target(URL url) throws Exception {
        URI original = url.toURI();
        if (redirectTo.isEmpty()) {
            return original;
        }
        URI base = redirectTo.get();
        String basePath = base.getRawPath() == null ? "" : base.getRawPath().replaceAll("/+$", "");
        String query = original.getRawQuery() == null ? "" : "?" + original.getRawQuery();
        return URI.create(base.getScheme() + "://" + base.getRawAuthority() + basePath + original.getRawPath() + query);
    }
}
