package io.postbridge.core.delivery;

import java.time.Instant;
import java.util.Optional;

import io.postbridge.core.bounce.BounceReason;
import io.postbridge.core.bounce.EnhancedStatus;
import io.postbridge.core.bounce.Hardness;
import io.postbridge.core.bounce.ReasonClassifier;
import io.postbridge.core.events.MailEvent;

/**
 * The structured fields of the delivery events, for webhook receivers (docs/webhooks.md "Payload per type"):
 * {@code delivered} carries the route, the remote reply and the provider's message id; {@code deferred} the reason,
 * the attempt and the next attempt's time; {@code bounced} the classification of the failure as the bounce parser
 * classifies an inbound bounce (status, reason, hard or soft, remote reply).
 */
public final class DeliveryEventData {
    private DeliveryEventData() {
    }

    public static MailEvent.Builder delivered(MailEvent.Builder event, DeliveryOutcome outcome) {
        return event.data("route", outcome.route()).data("remoteReply", outcome.remoteReply())
            .data("providerMessageId", outcome.providerMessageId());
    }

    public static MailEvent.Builder deferred(MailEvent.Builder event, DeliveryOutcome outcome, int attempt, Instant nextAttempt) {
        return event.data("reason", outcome.detail()).data("route", outcome.route()).data("remoteReply", outcome.remoteReply())
            .data("attempt", attempt).data("nextAttemptAt", nextAttempt.toString());
    }

    /**
     * @param outcome the attempt that failed (its route and remote reply), when there was one
     * @param step what the worker decided: its status and reason (the DSN's)
     */
    public static MailEvent.Builder bounced(MailEvent.Builder event, NextStep step, Optional<DeliveryOutcome> outcome, boolean dsnSent) {
        String reply = outcome.flatMap(DeliveryOutcome::remoteReply).orElse(step.reason());
        Optional<EnhancedStatus> status = EnhancedStatus.find(step.status()).or(() -> EnhancedStatus.find(reply));
        BounceReason reason = ReasonClassifier.classify(status, reply, "failed", "").reason;
        // a bounce after the retry window (4.4.7) is a temporary failure that lasted: soft
        Hardness hardness = step.status().startsWith("5") ? reason.hardness(status) : Hardness.SOFT;
        return event.data("status", step.status()).data("reason", reason.wireName()).data("hardness", hardness.wireName())
            .data("diagnostic", step.reason()).data("remoteReply", outcome.flatMap(DeliveryOutcome::remoteReply))
            .data("route", outcome.flatMap(DeliveryOutcome::route)).data("dsnSent", dsnSent);
    }
}
