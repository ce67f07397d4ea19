package io.postbridge.core.suppression;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.postbridge.core.PostbridgeBackend;
import io.postbridge.core.settings.PostbridgeSettings;

/**
 * The one path from a delivery decision to the suppression list, on the real store (embedded H2): SMTP refusals
 * count like bounces, a provider's refusal suppresses only the addresses it names, a delivery forgives soft bounces.
 */
class DeliveryFeedbackTest {
    @TempDir
    Path home;
    private PostbridgeBackend backend;
    private DeliveryFeedback feedback;

    @BeforeEach
    void start() {
        backend = PostbridgeBackend.start(PostbridgeSettings.from(Map.of(), home), Map.of(), Clock.systemUTC(), PostbridgeBackend.noMicrosoft());
        feedback = new DeliveryFeedback(backend.bounceOutcomes());
    }

    @AfterEach
    void stop() {
        backend.close();
    }

    private Optional<Suppression> entry(String recipient) {
        return backend.suppressions().check("crm", recipient);
    }

    @Test
    void aRemoteUserUnknownSuppressesAtOnceAndSaysSoForTheBounceEvent() {
        assertThat(feedback.bounced("crm", List.of("gone@remote.test"), "5.1.1",
            "mx.remote.test answered 550 5.1.1 <gone@remote.test>: user unknown to RCPT TO", DeliveryFeedback.Source.SMTP))
            .contains("suppressed gone@remote.test");
        assertThat(entry("gone@remote.test")).hasValueSatisfying(s -> assertThat(s.reason()).isEqualTo(SuppressionReason.HARD_BOUNCE));
    }

    @Test
    void softFailuresCountTowardsTheThresholdAndADeliveryStartsAgain() {
        for (int i = 0; i < 2; i++) {
            assertThat(feedback.bounced("crm", List.of("full@remote.test"), "4.4.7", "452 4.2.2 mailbox full", DeliveryFeedback.Source.SMTP))
                .isEmpty();
        }
        feedback.delivered("crm", List.of("full@remote.test"));
        for (int i = 0; i < 2; i++) {
            feedback.bounced("crm", List.of("full@remote.test"), "4.4.7", "452 4.2.2 mailbox full", DeliveryFeedback.Source.SMTP);
        }
        assertThat(entry("full@remote.test")).as("2 after the delivery: below the default 3").isEmpty();
        assertThat(feedback.bounced("crm", List.of("full@remote.test"), "4.4.7", "452 4.2.2 mailbox full", DeliveryFeedback.Source.SMTP))
            .contains("suppressed full@remote.test");
    }

    @Test
    void aProviderRefusalSuppressesOnlyTheAddressesItNames() {
        assertThat(feedback.bounced("crm", List.of("bad@remote.test", "ok@remote.test"), "5.1.3",
            "ErrorInvalidRecipients: bad@remote.test is not valid", DeliveryFeedback.Source.PROVIDER)).contains("suppressed bad@remote.test");
        assertThat(entry("ok@remote.test")).isEmpty();
        assertThat(feedback.bounced("crm", List.of("x@remote.test"), "5.7.1", "ErrorSendAsDenied", DeliveryFeedback.Source.PROVIDER))
            .isEmpty();
        assertThat(entry("x@remote.test")).isEmpty();
    }
}
