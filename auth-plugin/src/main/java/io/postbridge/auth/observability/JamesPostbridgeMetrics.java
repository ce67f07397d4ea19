package io.postbridge.auth.observability;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import javax.inject.Inject;
import javax.inject.Singleton;

import org.apache.james.metrics.api.GaugeRegistry;
import org.apache.james.metrics.api.Metric;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.metrics.api.TimeMetric;

import io.postbridge.core.metrics.PostbridgeMetrics;

/**
 * Postbridge's metrics as James metrics: counters are {@link MetricFactory#generate} meters, timers
 * {@link MetricFactory#timer}, gauges registered once in the {@link GaugeRegistry} (a later registration under the
 * same name replaces what the gauge reads, so a mailet that is initialised again does not fail).
 */
@Singleton
public class JamesPostbridgeMetrics implements PostbridgeMetrics {
    private final MetricFactory factory;
    private final GaugeRegistry gauges;
    private final Map<String, Metric> counters = new ConcurrentHashMap<>();
    private final Map<String, LongSupplier> gaugeValues = new ConcurrentHashMap<>();

    @Inject
    public JamesPostbridgeMetrics(MetricFactory factory, GaugeRegistry gauges) {
        this.factory = factory;
        this.gauges = gauges;
    }

    @Override
    public void increment(String name) {
        counters.computeIfAbsent(name, factory::generate).increment();
    }

    @Override
    public Timing startTimer(String name) {
        TimeMetric timer = factory.timer(name);
        return timer::stopAndPublish;
    }

    @Override
    public void gauge(String name, LongSupplier value) {
        if (gaugeValues.put(name, value) == null) {
            gauges.register(name, () -> gaugeValues.get(name).getAsLong());
        }
    }
}
