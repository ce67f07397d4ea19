package io.postbridge.auth.smtp;

import org.apache.james.protocols.smtp.hook.HookResult;

import io.postbridge.core.metrics.MetricNames;
import io.postbridge.core.metrics.PostbridgeMetrics;

/** Counts a hook's refusals by reason under {@link MetricNames#refused} (docs/observability.md), then gives the reply. */
final class Refusals {
    private PostbridgeMetrics metrics = PostbridgeMetrics.NONE;

    void recordTo(PostbridgeMetrics metrics) {
        this.metrics = metrics;
    }

    HookResult refused(MetricNames.Refusal reason, HookResult reply) {
        metrics.increment(MetricNames.refused(reason));
        return reply;
    }
}
