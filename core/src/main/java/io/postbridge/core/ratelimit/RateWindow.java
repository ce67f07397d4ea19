package io.postbridge.core.ratelimit;

import java.time.Duration;
import java.time.Instant;

/** Fixed counting windows, aligned to the epoch (UTC), so every node agrees where a window starts. */
public enum RateWindow {
    MINUTE(Duration.ofMinutes(1)), DAY(Duration.ofDays(1));

    private final Duration length;

    RateWindow(Duration length) {
        this.length = length;
    }

    public Duration length() {
        return length;
    }

    public long startOf(Instant now) {
        long millis = length.toMillis();
        return Math.floorDiv(now.toEpochMilli(), millis) * millis;
    }

    public Instant nextStart(Instant now) {
        return Instant.ofEpochMilli(startOf(now) + length.toMillis());
    }
}
