package io.postbridge.core.health;

import java.util.function.LongSupplier;

/**
 * {@code Postbridge:webhooks}: the webhook outbox holds fewer deliveries than the threshold. Degraded at the
 * threshold (a receiver is failing or slow: its events wait), unhealthy at ten times as many or when the outbox
 * cannot be read.
 */
public final class WebhookBacklogHealth {
    private final LongSupplier backlog;
    private final long threshold;

    public WebhookBacklogHealth(LongSupplier backlog, long threshold) {
        this.backlog = backlog;
        this.threshold = threshold;
    }

    public HealthReport check() {
        long waiting;
        try {
            waiting = backlog.getAsLong();
        } catch (RuntimeException e) {
            return HealthReport.unhealthy("cannot read the webhook outbox: " + e.getMessage());
        }
        String cause = waiting + " webhook deliveries waiting (threshold " + threshold + ", health.webhookBacklog.threshold):"
            + " look for failing endpoints with GET /postbridge/webhooks and their /deliveries";
        if (waiting >= threshold * 10) {
            return HealthReport.unhealthy(cause);
        }
        if (waiting >= threshold) {
            return HealthReport.degraded(cause);
        }
        return HealthReport.healthy();
    }
}
