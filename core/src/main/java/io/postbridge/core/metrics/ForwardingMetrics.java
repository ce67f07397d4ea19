package io.postbridge.core.metrics;

import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A {@link PostbridgeMetrics} that forwards to the one attached later: core services built before the server's
 * metrics exist (the backend's token cache, webhook dispatcher, suppression list) record through it from the start.
 * Until {@link #attach} nothing is recorded.
 */
public final class ForwardingMetrics implements PostbridgeMetrics {
    private volatile PostbridgeMetrics target = PostbridgeMetrics.NONE;

    public void attach(PostbridgeMetrics metrics) {
        this.target = Objects.requireNonNull(metrics);
    }

    @Override
    public void increment(String name) {
        target.increment(name);
    }

    @Override
    public Timing startTimer(String name) {
        return target.startTimer(name);
    }

    @Override
    public void gauge(String name, LongSupplier value) {
        target.gauge(name, value);
    }
}
