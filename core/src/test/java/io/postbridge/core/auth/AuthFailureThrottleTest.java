package io.postbridge.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.postbridge.core.testing.MutableClock;

class AuthFailureThrottleTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T10:00:00Z"));
    private final AuthFailureThrottle throttle = new AuthFailureThrottle(3, Duration.ofMinutes(10), Duration.ofMinutes(15), clock);

    @Test
    void blocksAnAddressAfterTheLimitUntilTheLockoutEnds() {
        assertThat(throttle.recordFailure("192.0.2.1", "a")).isEmpty();
        assertThat(throttle.recordFailure("192.0.2.1", "b")).isEmpty();
        assertThat(throttle.recordFailure("192.0.2.1", "c")).hasValueSatisfying(block -> {
            assertThat(block.reason()).isEqualTo("client 192.0.2.1");
            assertThat(block.until()).isEqualTo(clock.instant().plus(Duration.ofMinutes(15)));
        });
        assertThat(throttle.blocked("192.0.2.1", "someone")).isPresent();
        assertThat(throttle.blocked("192.0.2.2", "someone")).isEmpty();

        clock.advance(Duration.ofMinutes(15));
        assertThat(throttle.blocked("192.0.2.1", "someone")).isEmpty();
    }

    @Test
    void blocksAUsernameAttackedFromManyAddresses() {
        throttle.recordFailure("192.0.2.1", "Victim");
        throttle.recordFailure("192.0.2.2", "victim");
        throttle.recordFailure("192.0.2.3", "victim");
        assertThat(throttle.blocked("198.51.100.9", "VICTIM")).hasValueSatisfying(block -> assertThat(block.reason()).isEqualTo("username VICTIM"));
        assertThat(throttle.blocked("198.51.100.9", "other")).isEmpty();
    }

    @Test
    void failuresSpreadBeyondTheWindowDoNotAddUp() {
        throttle.recordFailure("192.0.2.1", "a");
        throttle.recordFailure("192.0.2.1", "a");
        clock.advance(Duration.ofMinutes(11));
        assertThat(throttle.recordFailure("192.0.2.1", "a")).isEmpty();
        assertThat(throttle.blocked("192.0.2.1", "a")).isEmpty();
    }

    @Test
    void aSuccessClearsTheUsernameCountButNotTheAddressCount() {
        throttle.recordFailure("192.0.2.1", "a");
        throttle.recordFailure("192.0.2.1", "a");
        throttle.recordSuccess("a");
        assertThat(throttle.recordFailure("192.0.2.1", "a")).hasValueSatisfying(block -> assertThat(block.reason()).isEqualTo("client 192.0.2.1"));
    }
}
