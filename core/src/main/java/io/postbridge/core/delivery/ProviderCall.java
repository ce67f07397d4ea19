package io.postbridge.core.delivery;

import java.util.Objects;
import java.util.Optional;

/**
 * The result of one call to a provider API: an outcome, or "401 Unauthorized", which the caller answers by
 * dropping the cached token and trying once more with a fresh one.
 */
public final class ProviderCall {
    private final Optional<DeliveryOutcome> outcome;
    private final String unauthorizedDetail;

    private ProviderCall(Optional<DeliveryOutcome> outcome, String unauthorizedDetail) {
        this.outcome = outcome;
        this.unauthorizedDetail = unauthorizedDetail;
    }

    public static ProviderCall outcome(DeliveryOutcome outcome) {
        return new ProviderCall(Optional.of(Objects.requireNonNull(outcome)), "");
    }

    public static ProviderCall unauthorized(String detail) {
        return new ProviderCall(Optional.empty(), detail);
    }

    public boolean isUnauthorized() {
        return outcome.isEmpty();
    }

    public String unauthorizedDetail() {
        return unauthorizedDetail;
    }

    public DeliveryOutcome outcome() {
        return outcome.orElseThrow(() -> new IllegalStateException("unauthorized: " + unauthorizedDetail));
    }
}
