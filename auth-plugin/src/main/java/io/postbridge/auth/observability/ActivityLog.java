package io.postbridge.auth.observability;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.postbridge.core.metrics.ActivitySummary;

/**
 * Logs one line per minute, when mail moved, with what the minute saw: received, delivered, deferred, bounced
 * (logger {@code io.postbridge.activity}, shown on the console by conf/logback.xml).
 */
final class ActivityLog {
    private static final Logger LOGGER = LoggerFactory.getLogger("io.postbridge.activity");
    /** Seconds between summaries: 60 unless the JVM is started with -Dpostbridge.activity.seconds=N (tests). */
    private static final long PERIOD = Math.max(1, Long.getLong("postbridge.activity.seconds", 60));

    private final ActivitySummary summary;
    private ScheduledExecutorService timer;

    ActivityLog(ActivitySummary summary) {
        this.summary = summary;
    }

    synchronized void start() {
        if (timer != null) {
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "postbridge-activity-log");
            thread.setDaemon(true);
            return thread;
        });
        summary.drain(); // count from now
        String period = PERIOD == 60 ? "last minute" : "last " + PERIOD + " s";
        timer.scheduleAtFixedRate(() -> summary.drain().ifPresent(line -> LOGGER.info("Postbridge, {}: {}", period, line)),
            PERIOD, PERIOD, TimeUnit.SECONDS);
    }

    synchronized void stop() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }
}
