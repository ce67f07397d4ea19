package io.postbridge.core.delivery;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one delivery attempt came to for each envelope recipient: SMTP answers per RCPT (sendpartial: the accepted
 * recipients are delivered, the others retried or bounced); the APIs answer for the whole message.
 */
public final class RecipientOutcomes {
    private final Map<String, DeliveryOutcome> outcomes;

    private RecipientOutcomes(Map<String, DeliveryOutcome> outcomes) {
        this.outcomes = Collections.unmodifiableMap(new LinkedHashMap<>(outcomes));
    }

    /** The same outcome for every recipient. */
    public static RecipientOutcomes all(List<String> recipients, DeliveryOutcome outcome) {
        Map<String, DeliveryOutcome> map = new LinkedHashMap<>();
        recipients.forEach(r -> map.put(r, outcome));
        return new RecipientOutcomes(map);
    }

    /** @param outcomes in envelope order */
    public static RecipientOutcomes of(Map<String, DeliveryOutcome> outcomes) {
        return new RecipientOutcomes(outcomes);
    }

    public Map<String, DeliveryOutcome> byRecipient() {
        return outcomes;
    }

    /** Recipients whose outcome is of {@code kind}, in envelope order. */
    public List<String> recipients(DeliveryOutcome.Kind kind) {
        List<String> result = new java.util.ArrayList<>();
        outcomes.forEach((recipient, outcome) -> {
            if (outcome.kind() == kind) {
                result.add(recipient);
            }
        });
        return result;
    }

    /** The first outcome of {@code kind}, if any recipient has one. */
    public Optional<DeliveryOutcome> first(DeliveryOutcome.Kind kind) {
        return outcomes.values().stream().filter(o -> o.kind() == kind).findFirst();
    }

    @Override
    public String toString() {
        return outcomes.toString();
    }
}
