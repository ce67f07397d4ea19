package io.postbridge.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

import org.junit.jupiter.api.Test;

import io.postbridge.core.delivery.DeliveryOutcome;
import io.postbridge.core.delivery.RecipientOutcomes;
import io.postbridge.core.events.MailEventType;

/** The documented names, delivery outcome counting and the console's activity line. */
class MetricsTest {
    /** Records what it is told, as James's metrics would. */
    static final class Recorded implements PostbridgeMetrics {
        final List<String> counted = new ArrayList<>();
        final List<String> timed = new ArrayList<>();

        @Override
        public synchronized void increment(String name) {
            counted.add(name);
        }

        @Override
        public Timing startTimer(String name) {
            return () -> timed.add(name);
        }

        @Override
        public void gauge(String name, LongSupplier value) {
        }
    }

    @Test
    void namesAreWhatTheDocsSay() {
        assertThat(MetricNames.smtpAuth("PLAIN", "ok")).isEqualTo("postbridge.smtp.auth.plain.ok");
        assertThat(MetricNames.refused(MetricNames.Refusal.RATE_LIMIT)).isEqualTo("postbridge.smtp.refused.rate_limit");
        assertThat(MetricNames.delivery(MetricNames.Route.SMTP_UPSTREAM, MetricNames.Outcome.TRANSIENT))
            .isEqualTo("postbridge.delivery.smtp_upstream.transient");
        assertThat(MetricNames.deliveryLatency(MetricNames.Route.GMAIL)).isEqualTo("postbridge.delivery.gmail.latency");
        assertThat(MetricNames.queueDepth("postbridge-api")).isEqualTo("postbridge.queue.postbridge_api.depth");
        assertThat(MetricNames.dkimSigned("rsa-sha256")).isEqualTo("postbridge.dkim.signed.rsa_sha256");
        assertThat(MetricNames.mailEvent(MailEventType.BOUNCE_RECEIVED)).isEqualTo("postbridge.mail.bounce_received");
        assertThat(MetricNames.bounceParsed("")).isEqualTo("postbridge.bounce.parsed.unknown");
    }

    @Test
    void anAttemptCountsOncePerOutcomeAndIsTimed() {
        Recorded metrics = new Recorded();
        CompletableFuture<RecipientOutcomes> attempt = new CompletableFuture<>();
        new DeliveryMetrics(metrics).observe(MetricNames.Route.MX, attempt);
        assertThat(metrics.counted).isEmpty();
        attempt.complete(RecipientOutcomes.of(Map.of(
            "a@x.test", DeliveryOutcome.delivered("250 ok", java.util.Optional.empty()),
            "b@x.test", DeliveryOutcome.delivered("250 ok", java.util.Optional.empty()),
            "c@x.test", DeliveryOutcome.permanentFailure("550 no such user", "5.1.1"))));
        assertThat(metrics.counted).containsExactlyInAnyOrder("postbridge.delivery.mx.ok", "postbridge.delivery.mx.permanent");
        assertThat(metrics.timed).containsExactly("postbridge.delivery.mx.latency");

        CompletableFuture<RecipientOutcomes> failed = new CompletableFuture<>();
        new DeliveryMetrics(metrics).observe(MetricNames.Route.GRAPH, failed);
        failed.completeExceptionally(new IllegalStateException("boom"));
        assertThat(metrics.counted).contains("postbridge.delivery.graph.transient");
    }

    @Test
    void theActivityLineCountsMailEventsAndIsEmptyWhenNothingMoved() {
        Recorded james = new Recorded();
        ActivitySummary summary = new ActivitySummary(james);
        assertThat(summary.drain()).isEmpty();
        summary.increment(MetricNames.mailEvent(MailEventType.RECEIVED));
        summary.increment(MetricNames.mailEvent(MailEventType.RECEIVED));
        summary.increment(MetricNames.mailEvent(MailEventType.DELIVERED));
        summary.increment(MetricNames.mailEvent(MailEventType.DEFERRED));
        summary.increment(MetricNames.mailEvent(MailEventType.BOUNCED));
        summary.increment(MetricNames.mailEvent(MailEventType.QUEUED));
        assertThat(summary.drain()).contains("received 2, delivered 1, deferred 1, bounced 1");
        assertThat(summary.drain()).isEmpty();
        assertThat(james.counted).hasSize(6); // everything still reaches James's metrics
    }
}
