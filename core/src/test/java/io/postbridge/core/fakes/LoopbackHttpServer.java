package io.postbridge.core.fakes;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

/**
 * A fake's HTTP server: one handler on a free loopback port, answered on daemon threads named after the fake, so a
 * test that forgets to close it does not keep the JVM alive.
 */
final class LoopbackHttpServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;

    private LoopbackHttpServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    static LoopbackHttpServer start(String threadName, int backlog, HttpHandler handler) {
        ExecutorService executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), backlog);
            server.createContext("/", handler);
            server.setExecutor(executor);
            server.start();
            return new LoopbackHttpServer(server, executor);
        } catch (IOException e) {
            executor.shutdownNow();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Answers a request: the headers, the status, then the body (none when empty or for a 204); {@code beforeSend}
     * runs just before the status goes out.
     */
    static void reply(HttpExchange exchange, int status, String contentType, String body, Map<String, String> headers,
                      Runnable beforeSend) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (!body.isEmpty()) {
            exchange.getResponseHeaders().set("Content-Type", contentType);
        }
        headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        beforeSend.run();
        exchange.sendResponseHeaders(status, status == 204 || bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
