package io.postbridge.core.metrics;

import java.util.function.LongSupplier;

/**
 * Where Postbridge code records what it does. The server binds the James implementation (counters and timers of
 * James's {@code MetricFactory}, gauges of its {@code GaugeRegistry}, all exported by WebAdmin {@code GET /metrics});
 * code built without it (unit tests, tools) gets {@link #NONE}. Names come from {@link MetricNames}.
 */
public interface PostbridgeMetrics {

    /** Adds one to the counter {@code name}. */
    void increment(String name);

    /** Starts a latency measurement published under {@code name} when {@link Timing#stop()} is called. */
    Timing startTimer(String name);

    /** A value read when metrics are scraped (queue depth, open connections): must be cheap or cached. */
    void gauge(String name, LongSupplier value);

    /** A running latency measurement. */
    interface Timing {
        void stop();
    }

    Timing NO_TIMING = () -> { };

    /** Records nothing. */
    PostbridgeMetrics NONE = new PostbridgeMetrics() {
        @Override
        public void increment(String name) {
        }

        @Override
        public Timing startTimer(String name) {
            return NO_TIMING;
        }

        @Override
        public void gauge(String name, LongSupplier value) {
        }
    };
}
