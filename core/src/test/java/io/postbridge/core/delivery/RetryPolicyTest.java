package io.postbridge.core.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private static final Instant FIRST = Instant.parse("2026-11-21T10:00:00Z");

    @Test
    void backsOffExponentiallyUpToTheMaximum() {
        RetryPolicy policy = new RetryPolicy(Duration.ofSeconds(30), Duration.ofMinutes(10), Duration.ofDays(1), 0, () -> 0.5);
        assertThat(policy.nextDelay(1, FIRST, FIRST, Optional.empty())).contains(Duration.ofSeconds(30));
        assertThat(policy.nextDelay(2, FIRST, FIRST, Optional.empty())).contains(Duration.ofSeconds(60));
        assertThat(policy.nextDelay(3, FIRST, FIRST, Optional.empty())).contains(Duration.ofSeconds(120));
        assertThat(policy.nextDelay(30, FIRST, FIRST, Optional.empty())).contains(Duration.ofMinutes(10));
    }

    @Test
    void jitterSpreadsRetriesBelowTheBase() {
        RetryPolicy low = new RetryPolicy(Duration.ofSeconds(100), Duration.ofHours(1), Duration.ofDays(1), 0.5, () -> 0.0);
        RetryPolicy high = new RetryPolicy(Duration.ofSeconds(100), Duration.ofHours(1), Duration.ofDays(1), 0.5, () -> 0.999);
        assertThat(low.nextDelay(1, FIRST, FIRST, Optional.empty())).contains(Duration.ofSeconds(50));
        assertThat(high.nextDelay(1, FIRST, FIRST, Optional.empty()).orElseThrow()).isBetween(Duration.ofSeconds(99), Duration.ofSeconds(100));
    }

    @Test
    void retryAfterIsHonoured() {
        RetryPolicy policy = new RetryPolicy(Duration.ofSeconds(1), Duration.ofMinutes(10), Duration.ofDays(1), 0, () -> 0.5);
        assertThat(policy.nextDelay(1, FIRST, FIRST, Optional.of(Duration.ofSeconds(120)))).contains(Duration.ofSeconds(120));
    }

    @Test
    void givesUpWhenTheWindowIsOverAndPlacesTheLastTryAtItsEnd() {
        RetryPolicy policy = new RetryPolicy(Duration.ofMinutes(10), Duration.ofHours(1), Duration.ofMinutes(15), 0, () -> 0.5);
        Instant now = FIRST.plus(Duration.ofMinutes(12));
        assertThat(policy.nextDelay(2, FIRST, now, Optional.empty())).contains(Duration.ofMinutes(3));
        assertThat(policy.nextDelay(3, FIRST, FIRST.plus(Duration.ofMinutes(15)), Optional.empty())).isEmpty();
    }
}
