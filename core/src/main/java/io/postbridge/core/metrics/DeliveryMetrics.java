package io.postbridge.core.metrics;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import io.postbridge.core.delivery.DeliveryOutcome;
import io.postbridge.core.delivery.DeliveryProvider;
import io.postbridge.core.delivery.RecipientOutcomes;

/**
 * Counts delivery attempts per route and outcome ({@link MetricNames#delivery}) and times them
 * ({@link MetricNames#deliveryLatency}). One attempt counts once per outcome it had: an attempt where two
 * recipients were accepted and one refused counts one {@code ok} and one {@code permanent}.
 */
public final class DeliveryMetrics {
    private final PostbridgeMetrics metrics;

    public DeliveryMetrics(PostbridgeMetrics metrics) {
        this.metrics = Objects.requireNonNull(metrics);
    }

    /** Times {@code attempt} (from now until it completes) and counts its outcomes; returns it unchanged. */
    public CompletableFuture<RecipientOutcomes> observe(MetricNames.Route route, CompletableFuture<RecipientOutcomes> attempt) {
        PostbridgeMetrics.Timing timing = metrics.startTimer(MetricNames.deliveryLatency(route));
        attempt.whenComplete((outcomes, error) -> {
            timing.stop();
            if (error != null) {
                metrics.increment(MetricNames.delivery(route, MetricNames.Outcome.TRANSIENT));
            } else {
                count(route, outcomes);
            }
        });
        return attempt;
    }

    /** Times a blocking attempt and counts its outcomes. */
    public RecipientOutcomes measure(MetricNames.Route route, java.util.function.Supplier<RecipientOutcomes> attempt) {
        PostbridgeMetrics.Timing timing = metrics.startTimer(MetricNames.deliveryLatency(route));
        RecipientOutcomes outcomes;
        try {
            outcomes = attempt.get();
        } catch (RuntimeException e) {
            timing.stop();
            metrics.increment(MetricNames.delivery(route, MetricNames.Outcome.TRANSIENT));
            throw e;
        }
        timing.stop();
        count(route, outcomes);
        return outcomes;
    }

    /** Counts an attempt that was not timed (its outcome was known at once). */
    public void count(MetricNames.Route route, RecipientOutcomes outcomes) {
        Set<DeliveryOutcome.Kind> kinds = EnumSet.noneOf(DeliveryOutcome.Kind.class);
        outcomes.byRecipient().values().forEach(outcome -> kinds.add(outcome.kind()));
        for (DeliveryOutcome.Kind kind : kinds) {
            metrics.increment(MetricNames.delivery(route, outcome(kind)));
        }
    }

    public static MetricNames.Outcome outcome(DeliveryOutcome.Kind kind) {
        switch (kind) {
            case DELIVERED:
                return MetricNames.Outcome.OK;
            case PERMANENT:
                return MetricNames.Outcome.PERMANENT;
            case TRANSIENT:
            default:
                return MetricNames.Outcome.TRANSIENT;
        }
    }

    /** The route of an API delivery (Gmail or Graph); SMTP accounts deliver through SMTP delivery instead. */
    public static MetricNames.Route route(DeliveryProvider provider) {
        switch (provider) {
            case GMAIL:
                return MetricNames.Route.GMAIL;
            case GRAPH:
                return MetricNames.Route.GRAPH;
            case SMTP:
            default:
                return MetricNames.Route.SMTP_UPSTREAM;
        }
    }
}
