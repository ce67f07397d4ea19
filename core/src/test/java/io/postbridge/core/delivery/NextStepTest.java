package io.postbridge.core.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class NextStepTest {
    private static final Instant FIRST = Instant.parse("2026-11-21T10:00:00Z");
    private final RetryPolicy policy = new RetryPolicy(Duration.ofMinutes(1), Duration.ofHours(1), Duration.ofHours(2), 0, () -> 0.5);

    @Test
    void transientFailuresAreRetriedWithinTheWindowThenBounced() {
        DeliveryOutcome throttled = DeliveryOutcome.transientFailure("Gmail API answered 429", Optional.of(Duration.ofMinutes(5)));
        NextStep retry = NextStep.after(throttled, 1, FIRST, FIRST, policy);
        assertThat(retry.kind()).isEqualTo(NextStep.Kind.RETRY);
        assertThat(retry.delay()).isEqualTo(Duration.ofMinutes(5));

        NextStep giveUp = NextStep.after(throttled, 9, FIRST, FIRST.plus(Duration.ofHours(2)), policy);
        assertThat(giveUp.kind()).isEqualTo(NextStep.Kind.BOUNCE);
        assertThat(giveUp.status()).isEqualTo("4.4.7");
        assertThat(giveUp.reason()).contains("gave up after 9 attempts").contains("last error: Gmail API answered 429");
    }

    @Test
    void permanentFailuresBounceAtOnceWithTheirStatus() {
        NextStep bounce = NextStep.after(DeliveryOutcome.permanentFailure("too large", "5.3.4"), 1, FIRST, FIRST, policy);
        assertThat(bounce.kind()).isEqualTo(NextStep.Kind.BOUNCE);
        assertThat(bounce.status()).isEqualTo("5.3.4");
    }

    @Test
    void deliveredIsDone() {
        assertThat(NextStep.after(DeliveryOutcome.delivered("ok", Optional.of("id")), 0, FIRST, FIRST, policy).kind())
            .isEqualTo(NextStep.Kind.DONE);
    }
}
