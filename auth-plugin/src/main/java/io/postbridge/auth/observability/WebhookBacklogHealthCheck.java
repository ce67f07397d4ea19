package io.postbridge.auth.observability;

import javax.inject.Inject;

import io.postbridge.auth.backend.PostbridgeBackendHolder;
import io.postbridge.core.health.HealthReport;
import io.postbridge.core.health.WebhookBacklogHealth;

/** {@code Postbridge:webhooks}: the webhook outbox is below its threshold (see {@link WebhookBacklogHealth}). */
public class WebhookBacklogHealthCheck extends PostbridgeHealthCheck {
    private final WebhookBacklogHealth health;

    @Inject
    public WebhookBacklogHealthCheck(PostbridgeBackendHolder holder) {
        super("Postbridge:webhooks");
        this.health = new WebhookBacklogHealth(holder.backend()::webhookBacklog, holder.settings().health().webhookBacklogThreshold());
    }

    @Override
    HealthReport report() {
        return health.check();
    }
}
