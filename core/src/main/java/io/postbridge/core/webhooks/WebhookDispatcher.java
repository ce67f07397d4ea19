package io.postbridge.core.webhooks;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.postbridge.core.events.MailEvent;
import io.postbridge.core.events.MailEventLog;
import io.postbridge.core.events.MailEventType;

/**
 * Sends the outbox: claims due deliveries from the store (one node at a time per delivery), signs each attempt
 * (Standard Webhooks), and sends it with the JDK HTTP client to the address the {@link EgressGuard} checked
 * ({@link PinnedHttp}), asynchronously, so a slow or dead receiver holds no thread. 2xx = delivered. 410 Gone disables the endpoint (with a {@code webhook-disabled} event). Anything else
 * (3xx included: redirects are never followed; timeouts; refused connections) is retried on the
 * {@link RetrySchedule}, honouring {@code Retry-After}, until the attempts run out. A target the
 * {@link EgressGuard} refuses fails at once: the operator fixes the URL or the allow-list, then replays. One endpoint
 * gets at most {@code webhooks.endpoint.concurrency} deliveries at a time, so a slow one never takes the slots of
 * the others.
 */
public final class WebhookDispatcher implements AutoCloseable {
    private static final Logger LOGGER = LoggerFactory.getLogger(WebhookDispatcher.class);
    static final Duration PRUNE_INTERVAL = Duration.ofHours(1);

    private final WebhookStore store;
    private final WebhookSettings settings;
    private final EgressGuard guard;
    private final MailEventLog events;
    private final Clock clock;
    private final Duration retention;
    private final RetrySchedule schedule;
    /** Opened by {@link #start()}: a backend that never sends opens no tunnel. */
    private volatile PinnedHttp http;
    private final String node = "node-" + UUID.randomUUID().toString().substring(0, 8);
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile io.postbridge.core.metrics.PostbridgeMetrics metrics = io.postbridge.core.metrics.PostbridgeMetrics.NONE;
    private final AtomicBoolean pollQueued = new AtomicBoolean();
    private final Object pollLock = new Object();
    private volatile ScheduledExecutorService executor;
    private volatile Instant nextPrune = Instant.MIN;

    public WebhookDispatcher(WebhookStore store, WebhookSettings settings, EgressGuard guard, MailEventLog events, Clock clock,
                             Duration retention) {
        this.store = Objects.requireNonNull(store);
        this.settings = Objects.requireNonNull(settings);
        this.guard = Objects.requireNonNull(guard);
        this.events = Objects.requireNonNull(events);
        this.clock = Objects.requireNonNull(clock);
        this.retention = Objects.requireNonNull(retention);
        this.schedule = new RetrySchedule(settings.firstRetryDelay(), settings.maxRetryDelay(), settings.attempts(),
            () -> ThreadLocalRandom.current().nextDouble());
    }

    /** The id this node writes into the delivery log. */
    public String node() {
        return node;
    }

    /** Starts polling the outbox every {@code webhooks.pollInterval}; idempotent. */
    public synchronized void start() {
        if (executor != null) {
            return;
        }
        http = new PinnedHttp(guard, settings.timeout());
        executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "postbridge-webhooks");
            thread.setDaemon(true);
            return thread;
        });
        long poll = settings.pollInterval().toMillis();
        executor.scheduleWithFixedDelay(this::pollSafely, 0, poll, TimeUnit.MILLISECONDS);
        LOGGER.info("Postbridge webhooks: sending the outbox from this node ({}), timeout {}, {} attempts", node,
            settings.timeout(), settings.attempts());
    }

    /** Polls soon (something was just put into the outbox on this node); never blocks the caller. */
    public void wake() {
        ScheduledExecutorService running = executor;
        if (running != null && pollQueued.compareAndSet(false, true)) {
            try {
                running.execute(() -> {
                    pollQueued.set(false);
                    pollSafely();
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                pollQueued.set(false);
            }
        }
    }

    private void pollSafely() {
        try {
            poll();
        } catch (RuntimeException e) {
            LOGGER.warn("Postbridge webhooks: cannot read the outbox (will try again): {}", e.getMessage());
        }
    }

    /** Claims what is due and starts sending it; returns how many were claimed. */
    int poll() {
        synchronized (pollLock) {
            Instant now = clock.instant();
            pruneIfDue(now);
            int free = WebhookSettings.DEFAULT_MAX_IN_FLIGHT - inFlight.get();
            List<WebhookStore.Claimed> claimed = store.claimDue(node, now, now.plus(settings.lease()), free,
                settings.endpointConcurrency());
            for (WebhookStore.Claimed delivery : claimed) {
                inFlight.incrementAndGet();
                try {
                    send(delivery);
                } catch (RuntimeException e) {
                    inFlight.decrementAndGet();
                    LOGGER.warn("Postbridge webhooks: cannot send {} to endpoint {}: {}", delivery.messageId(), delivery.endpointId(), e.toString());
                }
            }
            return claimed.size();
        }
    }

    private void pruneIfDue(Instant now) {
        if (now.isBefore(nextPrune)) {
            return;
        }
        nextPrune = now.plus(PRUNE_INTERVAL);
        int deleted = store.pruneFinished(now.minus(retention));
        if (deleted > 0) {
            LOGGER.debug("Postbridge webhooks: deleted {} finished deliveries older than {}", deleted, retention);
        }
    }

    /** Where attempts are counted (webhook delivered / failed). */
    public void recordTo(io.postbridge.core.metrics.PostbridgeMetrics metrics) {
        this.metrics = metrics;
    }

    private void send(WebhookStore.Claimed delivery) {
        Instant started = clock.instant();
        URI uri = URI.create(delivery.url());
        List<InetAddress> checked;
        try {
            checked = guard.check(uri);
        } catch (EgressGuard.Refused refused) {
            complete(delivery, started, 0, Optional.empty(), Optional.of("target refused: " + refused.getMessage()),
                WebhookDelivery.Status.FAILED, Optional.empty());
            return;
        }
        List<WebhookSecret> secrets = store.signingSecrets(delivery.endpointId(), started);
        byte[] body = delivery.payload().getBytes(StandardCharsets.UTF_8);
        long timestamp = started.getEpochSecond();
        HttpRequest request = HttpRequest.newBuilder(uri)
            .timeout(settings.timeout())
            .header("Content-Type", "application/json")
            .header("User-Agent", "Postbridge-Webhooks")
            .header("webhook-id", delivery.messageId())
            .header("webhook-timestamp", Long.toString(timestamp))
            .header("webhook-signature", WebhookSignature.header(secrets, delivery.messageId(), timestamp, body))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
        long startNanos = System.nanoTime();
        PinnedHttp client = http;
        if (client == null) {
            throw new IllegalStateException("the webhook sender was stopped");
        }
        client.send(request, checked).whenComplete((response, error) -> {
            long latency = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
            try {
                if (error != null) {
                    retryOrFail(delivery, started, latency, Optional.empty(), describe(error), Optional.empty());
                } else {
                    answered(delivery, started, latency, response);
                }
            } catch (RuntimeException e) {
                LOGGER.warn("Postbridge webhooks: cannot record the attempt of {} (the lease will expire and it is sent again): {}",
                    delivery.messageId(), e.getMessage());
            } finally {
                inFlight.decrementAndGet();
            }
        });
    }

    private void answered(WebhookStore.Claimed delivery, Instant started, long latency, HttpResponse<Void> response) {
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            complete(delivery, started, latency, Optional.of(status), Optional.empty(), WebhookDelivery.Status.DELIVERED, Optional.empty());
        } else if (status == 410) {
            complete(delivery, started, latency, Optional.of(status), Optional.of("410 Gone: the endpoint was disabled"),
                WebhookDelivery.Status.FAILED, Optional.empty());
            disableGone(delivery.endpointId());
        } else {
            String error = status >= 300 && status < 400
                ? status + " redirect (not followed" + response.headers().firstValue("location").map(l -> ": " + l).orElse("") + ")"
                : "HTTP " + status;
            retryOrFail(delivery, started, latency, Optional.of(status), error, retryAfter(response, clock.instant()));
        }
    }

    private void retryOrFail(WebhookStore.Claimed delivery, Instant started, long latency, Optional<Integer> status, String error,
                             Optional<Duration> retryAfter) {
        Optional<Instant> next = schedule.next(delivery.attempts() + 1, clock.instant(), retryAfter);
        complete(delivery, started, latency, status, Optional.of(next.isPresent() ? error : error + "; no attempts left"),
            next.isPresent() ? WebhookDelivery.Status.PENDING : WebhookDelivery.Status.FAILED, next);
    }

    private void complete(WebhookStore.Claimed delivery, Instant started, long latency, Optional<Integer> status, Optional<String> error,
                          WebhookDelivery.Status outcome, Optional<Instant> next) {
        WebhookDelivery.Attempt attempt = new WebhookDelivery.Attempt(started, status, latency, error, node);
        metrics.increment(outcome == WebhookDelivery.Status.DELIVERED ? io.postbridge.core.metrics.MetricNames.WEBHOOK_DELIVERED
            : io.postbridge.core.metrics.MetricNames.WEBHOOK_FAILED);
        if (!store.finish(delivery, node, attempt, outcome, next)) {
            LOGGER.debug("Postbridge webhooks: lease on {} lost before its attempt was recorded", delivery.messageId());
        } else if (outcome == WebhookDelivery.Status.FAILED) {
            LOGGER.warn("Postbridge webhooks: gave up on {} to endpoint {}: {}", delivery.messageId(), delivery.endpointId(),
                error.orElse("failed"));
        }
    }

    private void disableGone(String endpointId) {
        String reason = "the receiver answered 410 Gone";
        Instant now = clock.instant();
        if (store.disable(endpointId, reason, now)) {
            LOGGER.warn("Postbridge webhooks: endpoint {} disabled: {}", endpointId, reason);
            Optional<String> account = store.find(endpointId).flatMap(WebhookEndpoint::account);
            // reported like any event: listed by /postbridge/events and sent to the endpoints that subscribe to it
            events.record(MailEvent.builder(MailEventType.WEBHOOK_DISABLED, endpointId).at(now).account(account)
                .detail("webhook endpoint " + endpointId + " disabled: " + reason).build());
        }
    }

    static String describe(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof HttpTimeoutException) {
            return "no answer within the timeout";
        }
        if (cause instanceof ConnectException) {
            return "cannot connect" + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        }
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }

    /** {@code Retry-After} in seconds or as an HTTP date. */
    static Optional<Duration> retryAfter(HttpResponse<?> response, Instant now) {
        return response.headers().firstValue("retry-after").flatMap(value -> {
            String v = value.trim();
            try {
                return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(v))));
            } catch (NumberFormatException e) {
                try {
                    Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                    return Optional.of(at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO);
                } catch (DateTimeParseException unreadable) {
                    return Optional.empty();
                }
            }
        });
    }

    @Override
    public synchronized void close() {
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
        if (http != null) {
            http.close();
            http = null;
        }
    }
}
