package io.postbridge.core.oauth;

import java.time.Instant;
import java.util.Optional;

import io.postbridge.core.metrics.MetricNames;
import io.postbridge.core.metrics.PostbridgeMetrics;

/**
 * What the token cache saw of the providers' token endpoints, for metrics and the {@code Postbridge:tokens} health
 * check: when an endpoint last answered (a token, or a refusal: both mean it is reachable), and the last time a
 * request got no answer (network, timeout, 5xx) with why.
 */
public final class TokenActivity {
    private volatile PostbridgeMetrics metrics = PostbridgeMetrics.NONE;
    private volatile Instant lastAnswer;
    private volatile Instant lastNoAnswer;
    private volatile String lastNoAnswerReason;
    private final java.util.concurrent.atomic.AtomicLong requests = new java.util.concurrent.atomic.AtomicLong();

    /** Where token requests and failures are counted ({@link MetricNames#TOKEN_REQUESTS}, ...). */
    public void recordTo(PostbridgeMetrics metrics) {
        this.metrics = metrics;
    }

    void requested() {
        requests.incrementAndGet();
        metrics.increment(MetricNames.TOKEN_REQUESTS);
    }

    void succeeded(Instant at) {
        lastAnswer = at;
    }

    void failed(Instant at, Throwable error) {
        metrics.increment(MetricNames.TOKEN_FAILURES);
        if (error instanceof TokenException && ((TokenException) error).isPermanent()) {
            // the endpoint answered, and refused: reachable
            lastAnswer = at;
            if (((TokenException) error).isReconsentNeeded()) {
                metrics.increment(MetricNames.TOKEN_INVALID_GRANT);
            }
            return;
        }
        lastNoAnswer = at;
        lastNoAnswerReason = String.valueOf(error.getMessage());
    }

    /** How many token requests were sent since start. */
    public long requests() {
        return requests.get();
    }

    public Optional<Instant> lastAnswer() {
        return Optional.ofNullable(lastAnswer);
    }

    /** The last request that got no answer, and why (never a secret: provider and transport messages only). */
    public Optional<Instant> lastNoAnswer() {
        return Optional.ofNullable(lastNoAnswer);
    }

    public Optional<String> lastNoAnswerReason() {
        return Optional.ofNullable(lastNoAnswerReason);
    }
}
