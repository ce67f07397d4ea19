package io.postbridge.core.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What to do with a message after an attempt: nothing more (delivered), try again after a delay, or bounce with a
 * status and reason. Transient failures become bounces once the retry window is over.
 */
public final class NextStep {
    public enum Kind { DONE, RETRY, BOUNCE }

    private final Kind kind;
    private final Duration delay;
    private final String status;
    private final String reason;

    private NextStep(Kind kind, Duration delay, String status, String reason) {
        this.kind = kind;
        this.delay = delay;
        this.status = status;
        this.reason = reason;
    }

    /**
     * @param failures failed attempts including this one (1 after the first failure)
     */
    public static NextStep after(DeliveryOutcome outcome, int failures, Instant firstAttempt, Instant now, RetryPolicy policy) {
        switch (outcome.kind()) {
            case DELIVERED:
                return new NextStep(Kind.DONE, Duration.ZERO, outcome.status(), outcome.detail());
            case PERMANENT:
                return new NextStep(Kind.BOUNCE, Duration.ZERO, outcome.status(), outcome.detail());
            default:
                Optional<Duration> delay = policy.nextDelay(failures, firstAttempt, now, outcome.retryAfter());
                if (delay.isPresent()) {
                    return new NextStep(Kind.RETRY, delay.get(), outcome.status(), outcome.detail());
                }
                return new NextStep(Kind.BOUNCE, Duration.ZERO, "4.4.7", "gave up after " + failures + " attempts over "
                    + humanReadable(Duration.between(firstAttempt, now)) + " (retry window " + humanReadable(policy.window())
                    + "); last error: " + outcome.detail());
        }
    }

    public Kind kind() {
        return kind;
    }

    public Duration delay() {
        return delay;
    }

    public String status() {
        return status;
    }

    public String reason() {
        return reason;
    }

    public static String humanReadable(Duration duration) {
        long seconds = duration.getSeconds();
        if (seconds < 120) {
            return seconds + "s";
        }
        if (seconds < 7200) {
            return (seconds / 60) + "m";
        }
        return (seconds / 3600) + "h" + (seconds % 3600 / 60 > 0 ? (seconds % 3600 / 60) + "m" : "");
    }

    @Override
    public String toString() {
        return kind + (kind == Kind.RETRY ? " in " + delay : "") + " " + Objects.toString(status) + " " + reason;
    }
}
