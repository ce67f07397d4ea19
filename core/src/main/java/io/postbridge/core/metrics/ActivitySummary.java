package io.postbridge.core.metrics;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import io.postbridge.core.events.MailEventType;

/**
 * The console's one line per minute about mail flow: counts the mail events received, delivered, deferred and
 * bounced that pass through it (it decorates the server's metrics), and {@link #drain()} gives the line for the
 * period since the last call, or nothing when no mail moved.
 */
public final class ActivitySummary implements PostbridgeMetrics {
    private static final String RECEIVED = MetricNames.mailEvent(MailEventType.RECEIVED);
    private static final String DELIVERED = MetricNames.mailEvent(MailEventType.DELIVERED);
    private static final String DEFERRED = MetricNames.mailEvent(MailEventType.DEFERRED);
    private static final String BOUNCED = MetricNames.mailEvent(MailEventType.BOUNCED);

    private final PostbridgeMetrics delegate;
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong deferred = new AtomicLong();
    private final AtomicLong bounced = new AtomicLong();

    public ActivitySummary(PostbridgeMetrics delegate) {
        this.delegate = delegate;
    }

    @Override
    public void increment(String name) {
        delegate.increment(name);
        if (name.equals(RECEIVED)) {
            received.incrementAndGet();
        } else if (name.equals(DELIVERED)) {
            delivered.incrementAndGet();
        } else if (name.equals(DEFERRED)) {
            deferred.incrementAndGet();
        } else if (name.equals(BOUNCED)) {
            bounced.incrementAndGet();
        }
    }

    @Override
    public Timing startTimer(String name) {
        return delegate.startTimer(name);
    }

    @Override
    public void gauge(String name, LongSupplier value) {
        delegate.gauge(name, value);
    }

    /** "received 12, delivered 10, deferred 1, bounced 1" for the counts since the last call; empty when all are 0. */
    public Optional<String> drain() {
        long r = received.getAndSet(0);
        long dl = delivered.getAndSet(0);
        long df = deferred.getAndSet(0);
        long b = bounced.getAndSet(0);
        if (r + dl + df + b == 0) {
            return Optional.empty();
        }
        return Optional.of("received " + r + ", delivered " + dl + ", deferred " + df + ", bounced " + b);
    }
}
