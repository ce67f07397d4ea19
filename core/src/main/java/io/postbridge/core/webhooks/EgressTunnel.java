package io.postbridge.core.webhooks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTPS half of connection pinning: a CONNECT tunnel on loopback that the webhook HTTP client uses as its
 * proxy for {@code https://} targets. For each tunnel it resolves the target once, has the {@link EgressGuard}
 * check every address, and connects to the checked address itself, so no second DNS answer (DNS rebinding) can
 * change where the bytes go. TLS stays end to end between the client and the receiver (SNI and certificate checks
 * on the real host name). It opens nothing a local process could not open itself: only targets the guard allows.
 */
final class EgressTunnel implements AutoCloseable {
    private static final Logger LOGGER = LoggerFactory.getLogger(EgressTunnel.class);
    private static final int MAX_HEAD = 8192;

    private final EgressGuard guard;
    private final Duration connectTimeout;
    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "postbridge-webhooks-tunnel");
        thread.setDaemon(true);
        return thread;
    });

    EgressTunnel(EgressGuard guard, Duration connectTimeout) throws IOException {
        this.guard = Objects.requireNonNull(guard);
        this.connectTimeout = connectTimeout;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(this::acceptLoop);
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                threads.execute(() -> tunnel(client));
            } catch (IOException e) {
                if (!server.isClosed()) {
                    LOGGER.debug("webhook tunnel accept failed", e);
                }
            } catch (java.util.concurrent.RejectedExecutionException e) {
                return;
            }
        }
    }

    private void tunnel(Socket client) {
        try (Socket c = client) {
            c.setSoTimeout((int) Math.max(1000, connectTimeout.toMillis()));
            String head = readHead(c.getInputStream());
            String[] requestLine = head.split("\r\n", 2)[0].split(" ");
            if (requestLine.length < 2 || !requestLine[0].toUpperCase(Locale.ROOT).equals("CONNECT")) {
                reply(c, "405 Method Not Allowed");
                return;
            }
            URI target = URI.create("https://" + requestLine[1]);
            List<InetAddress> addresses;
            try {
                addresses = guard.check(target);
            } catch (EgressGuard.Refused refused) {
                LOGGER.warn("Postbridge webhooks: refused to connect to {}: {}", requestLine[1], refused.getMessage());
                reply(c, "403 Forbidden");
                return;
            }
            int port = target.getPort() < 0 ? 443 : target.getPort();
            try (Socket upstream = new Socket()) {
                upstream.connect(new InetSocketAddress(addresses.get(0), port), (int) connectTimeout.toMillis());
                reply(c, "200 Connection Established");
                c.setSoTimeout(0);
                threads.execute(() -> pipe(upstream, c));
                pipe(c, upstream);
            } catch (IOException e) {
                reply(c, "502 Bad Gateway");
            }
        } catch (IOException | IllegalArgumentException e) {
            LOGGER.debug("webhook tunnel closed: {}", e.toString());
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0 || head.size() >= MAX_HEAD) {
                throw new IOException("incomplete CONNECT request");
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    private static void reply(Socket socket, String status) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(("HTTP/1.1 " + status + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Copies until either side closes, then closes both. */
    private static void pipe(Socket from, Socket to) {
        byte[] buffer = new byte[16384];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // the other direction or the peer closed
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing
        }
        threads.shutdownNow();
    }
}
