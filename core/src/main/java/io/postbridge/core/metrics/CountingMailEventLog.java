package io.postbridge.core.metrics;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import io.postbridge.core.events.MailEvent;
import io.postbridge.core.events.MailEventLog;
import io.postbridge.core.events.MailEventType;

/** Counts each recorded event under {@link MetricNames#mailEvent} (one per event), then records it. */
public final class CountingMailEventLog implements MailEventLog {
    private final MailEventLog delegate;
    private final PostbridgeMetrics metrics;

    public CountingMailEventLog(MailEventLog delegate, PostbridgeMetrics metrics) {
        this.delegate = Objects.requireNonNull(delegate);
        this.metrics = Objects.requireNonNull(metrics);
    }

    @Override
    public void record(MailEvent event) {
        delegate.record(event);
        metrics.increment(MetricNames.mailEvent(event.getType()));
    }

    @Override
    public List<MailEvent> recent(int limit, Optional<MailEventType> type) {
        return delegate.recent(limit, type);
    }

    @Override
    public Optional<String> accountOfMessage(String messageId) {
        return delegate.accountOfMessage(messageId);
    }

    @Override
    public List<MailEvent> recent(int limit, Optional<MailEventType> type, Optional<String> account) {
        return delegate.recent(limit, type, account);
    }

    /** The log this one counts for (the store's). */
    public MailEventLog delegate() {
        return delegate;
    }
}
