package io.postbridge.core.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * When to try a transient failure again: exponential backoff ({@code initial}, doubling, at most {@code maximum}),
 * with random jitter so a throttled mailbox is not hit by all its waiting messages at once, never earlier than the
 * provider's {@code Retry-After}, and only within {@code window} from the first attempt. After that: bounce.
 */
public final class RetryPolicy {
    private final Duration initial;
    private final Duration maximum;
    private final Duration window;
    private final double jitter;
    private final DoubleSupplier random;

    /**
     * @param jitter fraction of each delay that is random, 0 (none) to 1 (full jitter)
     * @param random uniform in [0, 1)
     */
    public RetryPolicy(Duration initial, Duration maximum, Duration window, double jitter, DoubleSupplier random) {
        if (initial.isNegative() || initial.isZero() || maximum.compareTo(initial) < 0 || window.isNegative()) {
            throw new IllegalArgumentException("need 0 < initial <= maximum and a window >= 0");
        }
        if (jitter < 0 || jitter > 1) {
            throw new IllegalArgumentException("jitter must be between 0 and 1, was " + jitter);
        }
        this.initial = initial;
        this.maximum = maximum;
        this.window = window;
        this.jitter = jitter;
        this.random = Objects.requireNonNull(random);
    }

    public RetryPolicy(Duration initial, Duration maximum, Duration window) {
        this(initial, maximum, window, 0.3, () -> java.util.concurrent.ThreadLocalRandom.current().nextDouble());
    }

    public Duration window() {
        return window;
    }

    /**
     * The delay before the next attempt after {@code failures} failed attempts (1 after the first failure), or empty
     * when the retry window is over. The last retry is placed at the end of the window rather than skipped.
     */
    public Optional<Duration> nextDelay(int failures, Instant firstAttempt, Instant now, Optional<Duration> retryAfter) {
        Instant deadline = firstAttempt.plus(window);
        if (!now.isBefore(deadline)) {
            return Optional.empty();
        }
        long base = initial.toMillis();
        for (int i = 1; i < failures && base < maximum.toMillis(); i++) {
            base *= 2;
        }
        base = Math.min(base, maximum.toMillis());
        long delay = Math.round(base * (1 - jitter) + base * jitter * random.getAsDouble());
        if (retryAfter.isPresent()) {
            delay = Math.max(delay, retryAfter.get().toMillis());
        }
        Duration untilDeadline = Duration.between(now, deadline);
        return Optional.of(Duration.ofMillis(Math.min(Math.max(delay, 1), untilDeadline.toMillis())));
    }
}
