package io.postbridge.core.oauth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Access tokens by key (one key per account or per application), so that a token is requested once per token
 * lifetime however many connections and messages use it.
 * <ul>
 * <li>Concurrent requests for a cold key share one in-flight fetch (single flight).</li>
 * <li>A token is refreshed {@code refreshAhead} before it expires: the first caller inside that window starts the
 * refresh and, while the old token still has more than {@code minimumValidity} left, everyone keeps using it.</li>
 * <li>A failed fetch is not cached: the next caller asks again (the delivery's retry policy paces that).</li>
 * </ul>
 */
public final class TokenCache {
    public static final Duration DEFAULT_REFRESH_AHEAD = Duration.ofMinutes(5);
    public static final Duration DEFAULT_MINIMUM_VALIDITY = Duration.ofSeconds(30);

    private final Clock clock;
    private final Duration refreshAhead;
    private final Duration minimumValidity;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    public TokenCache(Clock clock, Duration refreshAhead, Duration minimumValidity) {
        this.clock = Objects.requireNonNull(clock);
        this.refreshAhead = Objects.requireNonNull(refreshAhead);
        this.minimumValidity = Objects.requireNonNull(minimumValidity);
    }

    public TokenCache() {
        this(Clock.systemUTC(), DEFAULT_REFRESH_AHEAD, DEFAULT_MINIMUM_VALIDITY);
    }

    /**
     * A valid token for {@code key}; {@code source} is asked only when no cached token will do.
     * {@code source} is a supplier so that building it (an msal4j application, credentials) also happens only then.
     */
    public CompletableFuture<AccessToken> token(String key, Supplier<TokenSource> source) {
        Entry entry = entries.computeIfAbsent(key, k -> new Entry());
        return entry.get(source);
    }

    /** Forgets {@code rejected} (the API answered 401 with it): the next call fetches a new one. */
    public void invalidate(String key, String rejected) {
        Entry entry = entries.get(key);
        if (entry != null) {
            entry.invalidate(rejected);
        }
    }

    /** Forgets everything about {@code key} (its credentials changed). */
    public void forget(String key) {
        entries.remove(key);
    }

    private final class Entry {
        private AccessToken current;
        private CompletableFuture<AccessToken> inFlight;

        synchronized CompletableFuture<AccessToken> get(Supplier<TokenSource> source) {
            Instant now = clock.instant();
            boolean usable = current != null && current.expiresAt().isAfter(now.plus(minimumValidity));
            boolean fresh = current != null && current.expiresAt().isAfter(now.plus(refreshAhead));
            if (fresh) {
                return CompletableFuture.completedFuture(current);
            }
            CompletableFuture<AccessToken> refresh = inFlight != null ? inFlight : startFetch(source);
            return usable ? CompletableFuture.completedFuture(current) : refresh;
        }

        private CompletableFuture<AccessToken> startFetch(Supplier<TokenSource> source) {
            CompletableFuture<AccessToken> fetch;
            try {
                fetch = source.get().fetch();
            } catch (RuntimeException e) {
                fetch = CompletableFuture.failedFuture(e);
            }
            CompletableFuture<AccessToken> shared = new CompletableFuture<>();
            inFlight = shared;
            fetch.whenComplete((token, error) -> {
                synchronized (this) {
                    inFlight = null;
                    if (error == null) {
                        current = token;
                    }
                }
                if (error == null) {
                    shared.complete(token);
                } else {
                    shared.completeExceptionally(unwrap(error));
                }
            });
            return shared;
        }

        synchronized void invalidate(String rejected) {
            if (current != null && current.value().equals(rejected)) {
                current = null;
            }
        }
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }
}
