package io.postbridge.core.oauth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Access tokens by key (one key per account or per application), so that a token is requested once per token
 * lifetime however many connections and messages use it. One instance serves the whole server: SMTP AUTH of
 * Microsoft pass-through apps and API delivery share it, so an app's token is requested once for both.
 * <ul>
 * <li>Concurrent requests for a cold key share one in-flight fetch (single flight).</li>
 * <li>A token is refreshed {@code refreshAhead} before it expires: the first caller inside that window starts the
 * refresh and, while the old token still has more than {@code minimumValidity} left, everyone keeps using it.</li>
 * <li>A failed fetch is not cached: the next caller asks again (the delivery's retry policy paces that). A key that
 * never got a token is forgotten after its failure, so guessing secrets cannot fill the memory.</li>
 * </ul>
 */
public final class TokenCache {
    public static final Duration DEFAULT_REFRESH_AHEAD = Duration.ofMinutes(5);
    public static final Duration DEFAULT_MINIMUM_VALIDITY = Duration.ofSeconds(30);

    private final Clock clock;
    private final Duration refreshAhead;
    private final Duration minimumValidity;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final byte[] fingerprintKey = new byte[32];
    /** One keyed HMAC per thread (a Mac is not thread-safe): no provider look-up and key set-up per message. */
    private final ThreadLocal<Mac> fingerprints = ThreadLocal.withInitial(this::newFingerprintMac);
    private final TokenActivity activity = new TokenActivity();

    public TokenCache(Clock clock, Duration refreshAhead, Duration minimumValidity) {
        this.clock = Objects.requireNonNull(clock);
        this.refreshAhead = Objects.requireNonNull(refreshAhead);
        this.minimumValidity = Objects.requireNonNull(minimumValidity);
        new SecureRandom().nextBytes(fingerprintKey);
    }

    public TokenCache() {
        this(Clock.systemUTC(), DEFAULT_REFRESH_AHEAD, DEFAULT_MINIMUM_VALIDITY);
    }

    /**
     * A valid token for {@code key}; {@code source} is asked only when no cached token will do.
     * {@code source} is a supplier so that building it (an msal4j application, credentials) also happens only then.
     */
    public CompletableFuture<AccessToken> token(String key, Supplier<TokenSource> source) {
        while (true) {
            Entry entry = entries.computeIfAbsent(key, Entry::new);
            CompletableFuture<AccessToken> token = entry.get(source);
            if (token != null) {
                return token;
            }
            // the entry was retired (its only fetch failed) between the lookup and get(): take the new one
        }
    }

    /**
     * The part of a cache key that stands for a secret (client secret, refresh token): HMAC-SHA-256 under a random
     * key of this cache, full length. A different secret gives a different key, so a cached token is handed out only
     * to a caller presenting the very secret it was issued for; and the keys, being keyed hashes, cannot be used to
     * test guesses of the secret offline (a plain hash of a low-entropy secret could).
     */
    public String fingerprint(String secret) {
        // doFinal resets the Mac to its key: ready for the next secret
        return Base64.getUrlEncoder().withoutPadding().encodeToString(fingerprints.get().doFinal(secret.getBytes(StandardCharsets.UTF_8)));
    }

    private Mac newFingerprintMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(fingerprintKey, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
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

    /** Requests sent to token endpoints and how they ended (metrics, health check). */
    public TokenActivity activity() {
        return activity;
    }

    /** How many keys are cached (tests: failures do not accumulate). */
    public int size() {
        return entries.size();
    }

    private final class Entry {
        private final String key;
        private AccessToken current;
        private CompletableFuture<AccessToken> inFlight;
        private boolean retired;

        Entry(String key) {
            this.key = key;
        }

        /** Null when this entry was retired: the caller looks the key up again. */
        synchronized CompletableFuture<AccessToken> get(Supplier<TokenSource> source) {
            if (retired) {
                return null;
            }
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
            activity.requested();
            try {
                fetch = source.get().fetch();
            } catch (RuntimeException e) {
                fetch = CompletableFuture.failedFuture(e);
            }
            CompletableFuture<AccessToken> shared = new CompletableFuture<>();
            inFlight = shared;
            fetch.whenComplete((token, error) -> {
                if (error == null) {
                    activity.succeeded(clock.instant());
                } else {
                    activity.failed(clock.instant(), unwrap(error));
                }
                synchronized (this) {
                    inFlight = null;
                    if (error == null) {
                        current = token;
                    } else if (current == null) {
                        // nothing worth keeping (e.g. a wrong secret): drop the key; callers holding this entry retry
                        retired = true;
                        entries.remove(key, this);
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
