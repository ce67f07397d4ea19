package io.postbridge.core.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The default schedule: about 10 attempts over about 3 days, growing gaps, jitter, Retry-After honoured. */
class RetryScheduleTest {
    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

    @Test
    void theDefaultsSpreadTenAttemptsOverAboutThreeDays() {
        RetrySchedule schedule = new RetrySchedule(WebhookSettings.DEFAULT_FIRST_RETRY, WebhookSettings.DEFAULT_MAX_RETRY,
            WebhookSettings.DEFAULT_ATTEMPTS, () -> 0.5);
        Instant at = NOW;
        Duration previousGap = Duration.ZERO;
        for (int made = 1; made < 10; made++) {
            Instant next = schedule.next(made, at, Optional.empty()).orElseThrow();
            Duration gap = Duration.between(at, next);
            assertThat(gap).as("gap after attempt " + made).isGreaterThanOrEqualTo(previousGap);
            previousGap = gap;
            at = next;
        }
        assertThat(schedule.next(10, at, Optional.empty())).as("no 11th attempt").isEmpty();
        assertThat(Duration.between(NOW, at)).isBetween(Duration.ofHours(55), Duration.ofHours(80));
    }

    @Test
    void jitterKeepsEachGapWithinTwentyPercent() {
        RetrySchedule low = new RetrySchedule(Duration.ofSeconds(10), Duration.ofDays(1), 10, () -> 0.0);
        RetrySchedule high = new RetrySchedule(Duration.ofSeconds(10), Duration.ofDays(1), 10, () -> 0.999999);
        assertThat(low.next(1, NOW, Optional.empty())).contains(NOW.plusSeconds(8));
        assertThat(high.next(1, NOW, Optional.empty())).contains(NOW.plusSeconds(12));
        assertThat(low.next(2, NOW, Optional.empty())).contains(NOW.plusSeconds(32));
    }

    @Test
    void retryAfterIsHonouredButNotBeyondTheLongestGap() {
        RetrySchedule schedule = new RetrySchedule(Duration.ofSeconds(10), Duration.ofHours(1), 10, () -> 0.5);
        assertThat(schedule.next(1, NOW, Optional.of(Duration.ofMinutes(5)))).contains(NOW.plusSeconds(300));
        assertThat(schedule.next(1, NOW, Optional.of(Duration.ofSeconds(1)))).contains(NOW.plusSeconds(10));
        assertThat(schedule.next(1, NOW, Optional.of(Duration.ofDays(7)))).contains(NOW.plusSeconds(3600));
    }
}
