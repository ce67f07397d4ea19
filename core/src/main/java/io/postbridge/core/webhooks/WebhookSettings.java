package io.postbridge.core.webhooks;

import java.time.Duration;
import java.util.List;

import io.postbridge.core.accounts.IpRange;

/** The {@code webhooks.*} settings of postbridge.properties (documented there and in docs/webhooks.md). */
public final class WebhookSettings {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);
    public static final Duration DEFAULT_FIRST_RETRY = Duration.ofSeconds(10);
    public static final Duration DEFAULT_MAX_RETRY = Duration.ofDays(1);
    public static final int DEFAULT_ATTEMPTS = 10;
    public static final Duration DEFAULT_POLL = Duration.ofSeconds(1);
    public static final int DEFAULT_MAX_IN_FLIGHT = 64;
    /** {@code webhooks.endpoint.concurrency}: deliveries sent to one endpoint at the same time. */
    public static final int DEFAULT_ENDPOINT_CONCURRENCY = 4;
    public static final int MAX_ENDPOINT_CONCURRENCY = DEFAULT_MAX_IN_FLIGHT;

    private final boolean dispatch;
    private final Duration timeout;
    private final Duration firstRetryDelay;
    private final Duration maxRetryDelay;
    private final int attempts;
    private final Duration pollInterval;
    private final List<IpRange> allowedTargets;
    private final int endpointConcurrency;

    public WebhookSettings(boolean dispatch, Duration timeout, Duration firstRetryDelay, Duration maxRetryDelay, int attempts,
                           Duration pollInterval, List<IpRange> allowedTargets) {
        this(dispatch, timeout, firstRetryDelay, maxRetryDelay, attempts, pollInterval, allowedTargets, DEFAULT_ENDPOINT_CONCURRENCY);
    }

    public WebhookSettings(boolean dispatch, Duration timeout, Duration firstRetryDelay, Duration maxRetryDelay, int attempts,
                           Duration pollInterval, List<IpRange> allowedTargets, int endpointConcurrency) {
        if (endpointConcurrency < 1 || endpointConcurrency > MAX_ENDPOINT_CONCURRENCY) {
            throw new IllegalArgumentException("the endpoint concurrency must be from 1 to " + MAX_ENDPOINT_CONCURRENCY
                + ", was " + endpointConcurrency);
        }
        this.endpointConcurrency = endpointConcurrency;
        this.dispatch = dispatch;
        this.timeout = timeout;
        this.firstRetryDelay = firstRetryDelay;
        this.maxRetryDelay = maxRetryDelay;
        this.attempts = attempts;
        this.pollInterval = pollInterval;
        this.allowedTargets = List.copyOf(allowedTargets);
        new RetrySchedule(firstRetryDelay, maxRetryDelay, attempts, () -> 0.5); // validates
    }

    public static WebhookSettings defaults() {
        return new WebhookSettings(true, DEFAULT_TIMEOUT, DEFAULT_FIRST_RETRY, DEFAULT_MAX_RETRY, DEFAULT_ATTEMPTS, DEFAULT_POLL, List.of());
    }

    /** Whether this node sends webhooks (every node may; the store hands each delivery to one node at a time). */
    public boolean dispatch() {
        return dispatch;
    }

    public Duration timeout() {
        return timeout;
    }

    public Duration firstRetryDelay() {
        return firstRetryDelay;
    }

    public Duration maxRetryDelay() {
        return maxRetryDelay;
    }

    public int attempts() {
        return attempts;
    }

    public Duration pollInterval() {
        return pollInterval;
    }

    public List<IpRange> allowedTargets() {
        return allowedTargets;
    }

    /**
     * How many deliveries one endpoint gets at the same time: claimed only while fewer of its deliveries are leased
     * (in flight on any node), so a slow endpoint never holds more than this many of the sender's slots.
     */
    public int endpointConcurrency() {
        return endpointConcurrency;
    }

    /** How long a node owns a claimed delivery: past it, another node may send it again. */
    public Duration lease() {
        return timeout.multipliedBy(2).plusSeconds(30);
    }
}
