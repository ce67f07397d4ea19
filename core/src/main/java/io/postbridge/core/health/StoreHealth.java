package io.postbridge.core.health;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.sql.DataSource;

/**
 * {@code Postbridge:store}: the Postbridge store answers {@code SELECT 1} within a few seconds. Unhealthy otherwise:
 * accounts, API keys and events are unavailable, so SMTP AUTH answers 454 and deliveries are deferred. At most one
 * probe is in flight: while the store hangs, later checks report how long it has not answered.
 */
public final class StoreHealth {
    private final DataSource store;
    private final String description;
    private final Duration timeout;
    private final Clock clock;
    private final ExecutorService probes = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "postbridge-store-health");
        thread.setDaemon(true);
        return thread;
    });
    private CompletableFuture<Void> inFlight;
    private Instant inFlightSince;

    /** @param description where the store is (JDBC URL without credentials), for the cause */
    public StoreHealth(DataSource store, String description, Duration timeout, Clock clock) {
        this.store = store;
        this.description = description;
        this.timeout = timeout;
        this.clock = clock;
    }

    public HealthReport check() {
        CompletableFuture<Void> probe;
        Instant since;
        synchronized (this) {
            if (inFlight == null || inFlight.isDone()) {
                inFlight = CompletableFuture.runAsync(this::ping, probes);
                inFlightSince = clock.instant();
            }
            probe = inFlight;
            since = inFlightSince;
        }
        try {
            probe.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return HealthReport.healthy();
        } catch (TimeoutException e) {
            long seconds = Duration.between(since, clock.instant()).toSeconds();
            return HealthReport.unhealthy("the Postbridge store (" + description + ") has not answered for " + Math.max(seconds, 1)
                + " s: check that the database server is running and reachable (store.jdbc.url in postbridge.properties)");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return HealthReport.unhealthy("the Postbridge store (" + description + ") is unreachable: " + cause.getMessage()
                + ": check that the database server is running and reachable (store.jdbc.url in postbridge.properties)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return HealthReport.unhealthy("interrupted while checking the Postbridge store");
        }
    }

    private void ping() {
        try (Connection connection = store.getConnection(); Statement statement = connection.createStatement()) {
            statement.setQueryTimeout((int) Math.max(1, timeout.toSeconds()));
            try (ResultSet result = statement.executeQuery("SELECT 1")) {
                result.next();
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
