package io.postbridge.core.fakes;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A webhook receiver as the Standard Webhooks specification asks one to be, on loopback (JDK HttpServer), written
 * from the spec and not from Postbridge's signer: it verifies {@code webhook-signature} (any {@code v1,} entry made
 * with any of the secrets it was given: the current and the previous one), rejects a {@code webhook-timestamp} more
 * than 5 minutes from its clock (400), and processes each {@code webhook-id} once (a duplicate gets 200 and is not
 * processed again). Its answers are scripted: status, delay and headers, one per request, then 200.
 */
public final class FakeWebhookReceiver implements AutoCloseable {
    public static final String PATH = "/hooks";
    public static final String REDIRECT_TARGET = "/moved";
    public static final Duration TOLERANCE = Duration.ofMinutes(5);

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Deque<Answer> script = new ArrayDeque<>();
    private final List<Request> requests = new ArrayList<>();
    private final List<Request> processed = new ArrayList<>();
    private final Set<String> processedIds = new HashSet<>();
    private final AtomicInteger redirectTargetHits = new AtomicInteger();
    private volatile List<String> secrets = List.of();

    private FakeWebhookReceiver(HttpServer server) {
        this.server = server;
    }

    public static FakeWebhookReceiver start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        FakeWebhookReceiver receiver = new FakeWebhookReceiver(server);
        server.createContext(PATH, receiver::handle);
        server.createContext(REDIRECT_TARGET, exchange -> {
            receiver.redirectTargetHits.incrementAndGet();
            respond(exchange, 200);
        });
        server.setExecutor(receiver.executor);
        server.start();
        return receiver;
    }

    /** One scripted answer. */
    public static final class Answer {
        final int status;
        final Duration delay;
        final Optional<String> location;
        final Optional<String> retryAfter;

        private Answer(int status, Duration delay, Optional<String> location, Optional<String> retryAfter) {
            this.status = status;
            this.delay = delay;
            this.location = location;
            this.retryAfter = retryAfter;
        }

        public static Answer status(int status) {
            return new Answer(status, Duration.ZERO, Optional.empty(), Optional.empty());
        }

        /** Processes the request at once, then answers {@code status} only after {@code delay}. */
        public static Answer slow(Duration delay, int status) {
            return new Answer(status, delay, Optional.empty(), Optional.empty());
        }

        public static Answer redirect(int status, String location) {
            return new Answer(status, Duration.ZERO, Optional.of(location), Optional.empty());
        }

        public static Answer retryAfter(int status, String retryAfter) {
            return new Answer(status, Duration.ZERO, Optional.empty(), Optional.of(retryAfter));
        }
    }

    /** A request as received. */
    public static final class Request {
        public final Instant receivedAt;
        public final String id;
        public final String timestamp;
        public final String signature;
        public final String body;
        /** The status it was answered with. */
        public final int answered;
        /** The Host header. */
        public final String host;

        Request(Instant receivedAt, String id, String timestamp, String signature, String body, int answered, String host) {
            this.host = host;
            this.receivedAt = receivedAt;
            this.id = id;
            this.timestamp = timestamp;
            this.signature = signature;
            this.body = body;
            this.answered = answered;
        }
    }

    /** The {@code whsec_…} secrets signatures are checked against (the current and the previous one). */
    public FakeWebhookReceiver verifyWith(String... whsecSecrets) {
        this.secrets = List.of(whsecSecrets);
        return this;
    }

    public synchronized FakeWebhookReceiver answer(Answer... answers) {
        script.addAll(List.of(answers));
        return this;
    }

    /** Forgets the answers not given yet: from now on, 200. */
    public synchronized FakeWebhookReceiver clearScript() {
        script.clear();
        return this;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + PATH;
    }

    public String redirectTargetUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + REDIRECT_TARGET;
    }

    /** Every request, in arrival order. */
    public synchronized List<Request> requests() {
        return new ArrayList<>(requests);
    }

    /** The requests that passed verification and were processed: one per webhook-id. */
    public synchronized List<Request> processed() {
        return new ArrayList<>(processed);
    }

    public int redirectTargetHits() {
        return redirectTargetHits.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        Instant now = Instant.now();
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String id = header(exchange, "webhook-id");
        String timestamp = header(exchange, "webhook-timestamp");
        String signature = header(exchange, "webhook-signature");
        Answer answer;
        synchronized (this) {
            answer = script.isEmpty() ? Answer.status(200) : script.poll();
        }
        int status;
        if (!timely(timestamp, now) || secrets.stream().noneMatch(secret -> verify(secret, id, timestamp, body, signature))) {
            status = 400;
        } else {
            status = answer.status;
            synchronized (this) {
                if (status >= 200 && status < 300 && processedIds.add(id)) {
                    processed.add(new Request(now, id, timestamp, signature, body, status, header(exchange, "Host")));
                }
            }
        }
        synchronized (this) {
            requests.add(new Request(now, id, timestamp, signature, body, status, header(exchange, "Host")));
        }
        if (!answer.delay.isZero()) {
            try {
                closed.await(answer.delay.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        answer.location.ifPresent(location -> exchange.getResponseHeaders().add("Location",
            location.startsWith("/") ? "http://127.0.0.1:" + server.getAddress().getPort() + location : location));
        answer.retryAfter.ifPresent(value -> exchange.getResponseHeaders().add("Retry-After", value));
        respond(exchange, status);
    }

    private static boolean timely(String timestamp, Instant now) {
        try {
            return Math.abs(now.getEpochSecond() - Long.parseLong(timestamp)) <= TOLERANCE.getSeconds();
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * The spec's verification: HMAC-SHA256 with the base64-decoded secret after {@code whsec_}, over
     * {@code id.timestamp.body}, compared in constant time with each {@code v1,} entry of the header.
     */
    public static boolean verify(String whsecSecret, String id, String timestamp, String body, String signatureHeader) {
        if (id == null || timestamp == null || signatureHeader == null) {
            return false;
        }
        byte[] expected;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(whsecSecret.substring("whsec_".length())), "HmacSHA256"));
            expected = mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        for (String entry : signatureHeader.split(" ")) {
            int comma = entry.indexOf(',');
            if (comma > 0 && entry.substring(0, comma).equals("v1")) {
                byte[] given;
                try {
                    given = Base64.getDecoder().decode(entry.substring(comma + 1));
                } catch (IllegalArgumentException e) {
                    continue;
                }
                if (MessageDigest.isEqual(expected, given)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static String header(HttpExchange exchange, String name) {
        return exchange.getRequestHeaders().getFirst(name);
    }

    private static void respond(HttpExchange exchange, int status) throws IOException {
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }

    @Override
    public void close() {
        closed.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
