package io.postbridge.core.health;

import java.time.Duration;
import java.util.Set;

import io.postbridge.core.config.SettingsReader;

/** The thresholds of the health checks ({@code health.*} in postbridge.properties; docs/observability.md). */
public final class HealthSettings {
    public static final String WEBHOOK_BACKLOG = "health.webhookBacklog.threshold";
    public static final String DISK_MIN_FREE_MB = "health.disk.minFreeMb";
    public static final String RELAY_CACHE = "health.relay.cacheTime";
    public static final String TOKENS_WINDOW = "health.tokens.window";
    public static final Set<String> KNOWN = Set.of(WEBHOOK_BACKLOG, DISK_MIN_FREE_MB, RELAY_CACHE, TOKENS_WINDOW);

    private final long webhookBacklogThreshold;
    private final long diskMinFreeBytes;
    private final Duration relayCacheTime;
    private final Duration tokensWindow;

    public HealthSettings(long webhookBacklogThreshold, long diskMinFreeBytes, Duration relayCacheTime, Duration tokensWindow) {
        this.webhookBacklogThreshold = webhookBacklogThreshold;
        this.diskMinFreeBytes = diskMinFreeBytes;
        this.relayCacheTime = relayCacheTime;
        this.tokensWindow = tokensWindow;
    }

    public static HealthSettings defaults() {
        return new HealthSettings(1000, 1024L * 1024 * 1024, Duration.ofMinutes(5), Duration.ofMinutes(15));
    }

    public static HealthSettings from(SettingsReader reader) {
        return new HealthSettings(reader.integer(WEBHOOK_BACKLOG, 1000, 1, Integer.MAX_VALUE),
            reader.integer(DISK_MIN_FREE_MB, 1024, 1, Integer.MAX_VALUE) * 1024L * 1024,
            reader.duration(RELAY_CACHE, Duration.ofMinutes(5), Duration.ofSeconds(1)),
            reader.duration(TOKENS_WINDOW, Duration.ofMinutes(15), Duration.ofSeconds(1)));
    }

    /** Degraded at this many webhook deliveries waiting; unhealthy at ten times as many. */
    public long webhookBacklogThreshold() {
        return webhookBacklogThreshold;
    }

    /** Degraded below this much free space under var/; unhealthy below a tenth of it. */
    public long diskMinFreeBytes() {
        return diskMinFreeBytes;
    }

    /** How long a relay's EHLO answer is reused before the next probe. */
    public Duration relayCacheTime() {
        return relayCacheTime;
    }

    /** How far back token endpoint failures count. */
    public Duration tokensWindow() {
        return tokensWindow;
    }
}
