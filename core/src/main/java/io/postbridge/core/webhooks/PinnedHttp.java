package io.postbridge.core.webhooks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.postbridge.core.http.BoundedHttp;

/**
 * Sends a webhook request to the address the {@link EgressGuard} checked, never to a fresh DNS answer: the JDK
 * HTTP client has no resolver hook (and Java 11 forbids setting {@code Host}), so the pinning goes through its
 * proxy setting.
 * <ul>
 * <li>{@code http://}: a client whose "proxy" is the checked address itself: the request goes there in absolute
 * form ({@code POST http://host/path}), which HTTP/1.1 servers must accept, with the real {@code Host}. One client
 * per checked address, so a pooled connection is only ever reused for that address.</li>
 * <li>{@code https://}: through the {@link EgressTunnel}, which resolves, checks and connects in one step.</li>
 * </ul>
 * Redirects are never followed.
 */
final class PinnedHttp implements AutoCloseable {
    private static final int MAX_CLIENTS = 64;

    private final Duration connectTimeout;
    private final EgressTunnel tunnel;
    private final HttpClient https;
    private final Map<InetSocketAddress, HttpClient> plain = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<InetSocketAddress, HttpClient> eldest) {
            return size() > MAX_CLIENTS;
        }
    };

    PinnedHttp(EgressGuard guard, Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
        try {
            this.tunnel = new EgressTunnel(guard, connectTimeout);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the webhook tunnel on loopback", e);
        }
        this.https = client(tunnel.address());
    }

    /** Sends {@code request}; for http targets to {@code checked.get(0)}. */
    CompletableFuture<HttpResponse<Void>> send(HttpRequest request, List<InetAddress> checked) {
        URI uri = request.uri();
        if ("https".equals(uri.getScheme().toLowerCase(Locale.ROOT))) {
            return BoundedHttp.sendAsync(https, request, HttpResponse.BodyHandlers.discarding());
        }
        InetSocketAddress target = new InetSocketAddress(checked.get(0), uri.getPort() < 0 ? 80 : uri.getPort());
        HttpClient client;
        synchronized (plain) {
            client = plain.computeIfAbsent(target, this::client);
        }
        return BoundedHttp.sendAsync(client, request, HttpResponse.BodyHandlers.discarding());
    }

    private HttpClient client(InetSocketAddress proxy) {
        return HttpClient.newBuilder()
            .proxy(ProxySelector.of(proxy))
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(connectTimeout)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
    }

    @Override
    public void close() {
        tunnel.close();
    }
}
