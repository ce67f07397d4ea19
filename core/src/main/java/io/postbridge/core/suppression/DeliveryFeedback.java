package io.postbridge.core.suppression;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The one path from a delivery decision to the suppression list, for every delivery agent (the shared delivery
 * queue worker of ApiDelivery and SmtpDelivery calls it after each decision): a delivery forgives the recipients'
 * soft bounces; a bounce counts as the remote server's (SMTP 5xx, classified like a bounce's remote reply) or the
 * provider API's refusal (only a recipient address problem suppresses, see
 * {@link BounceOutcomes#rejectedByProvider}).
 */
public final class DeliveryFeedback {
    /** Who refused the recipients. */
    public enum Source {
        /** A remote SMTP server's reply (MX, smarthost, upstream), or the end of the retry window. */
        SMTP,
        /** A provider API (Gmail, Graph). */
        PROVIDER
    }

    private final BounceOutcomes outcomes;

    public DeliveryFeedback(BounceOutcomes outcomes) {
        this.outcomes = Objects.requireNonNull(outcomes);
    }

    /** {@code account}'s mail reached these recipients. */
    public void delivered(String account, List<String> recipients) {
        recipients.forEach(recipient -> outcomes.delivered(account, recipient));
    }

    /**
     * {@code account}'s mail bounced for these recipients with this status ({@code 5.1.1}, or {@code 4.4.7} when the
     * retry window ended) and reason (the remote reply). Returns what it did, for the bounce event, if anything.
     */
    public Optional<String> bounced(String account, List<String> recipients, String status, String reason, Source source) {
        List<String> suppressed = new ArrayList<>();
        if (source == Source.PROVIDER) {
            suppressed.addAll(outcomes.rejectedByProvider(account, recipients, status, reason));
        } else {
            for (String recipient : recipients) {
                outcomes.failedWhileSending(account, recipient, status + " " + reason, status.startsWith("5"))
                    .ifPresent(s -> suppressed.add(recipient));
            }
        }
        return suppressed.isEmpty() ? Optional.empty() : Optional.of("suppressed " + String.join(", ", suppressed));
    }
}
