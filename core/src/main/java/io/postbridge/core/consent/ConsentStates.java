package io.postbridge.core.consent;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import io.postbridge.core.secrets.SecretCipher;

/**
 * The {@code state} of each consent attempt: 256 random bits, kept in the store ({@link ConsentStateRepository},
 * by its hash) with the attempt's PKCE verifier (sealed) and the hash of the browser's cookie, for at most the state
 * lifetime, and taken atomically (a replayed callback, on any node, finds it used, so a code is never redeemed
 * twice). Used states stay one more lifetime so the page can say "this link was used" rather than "unknown"; then
 * they are deleted. A restart or another node behind the same address finishes a sign-in begun elsewhere.
 */
public final class ConsentStates {
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
    private static final int MAX_PENDING = 100_000;
    private static final Duration CLEANUP_EVERY = Duration.ofSeconds(30);

    private final ConsentStateRepository repository;
    private final Clock clock;
    private final Duration lifetime;
    private final SecureRandom random;
    private final AtomicLong nextCleanup = new AtomicLong(Long.MIN_VALUE);
    private volatile long pendingAtLastCleanup;

    public ConsentStates(ConsentStateRepository repository, Clock clock, Duration lifetime, SecureRandom random) {
        this.repository = Objects.requireNonNull(repository);
        this.clock = Objects.requireNonNull(clock);
        this.lifetime = Objects.requireNonNull(lifetime);
        this.random = Objects.requireNonNull(random);
    }

    /** One attempt, from the start page to the callback. */
    public static final class Attempt {
        private final ConsentProvider provider;
        private final byte[] browserHash;
        private final Pkce pkce;
        private final Optional<String> loginHint;
        private final Optional<Invitations.Invitation> invitation;
        private final Instant expiresAt;

        public Attempt(ConsentProvider provider, byte[] browserHash, Pkce pkce, Optional<String> loginHint,
                       Optional<Invitations.Invitation> invitation, Instant expiresAt) {
            this.provider = Objects.requireNonNull(provider);
            this.browserHash = browserHash.clone();
            this.pkce = Objects.requireNonNull(pkce);
            this.loginHint = Objects.requireNonNull(loginHint);
            this.invitation = Objects.requireNonNull(invitation);
            this.expiresAt = Objects.requireNonNull(expiresAt);
        }

        public ConsentProvider provider() {
            return provider;
        }

        /** SHA-256 of the browser cookie the attempt is bound to. */
        public byte[] browserHash() {
            return browserHash.clone();
        }

        public Pkce pkce() {
            return pkce;
        }

        public Optional<String> loginHint() {
            return loginHint;
        }

        public Optional<Invitations.Invitation> invitation() {
            return invitation;
        }

        public Instant expiresAt() {
            return expiresAt;
        }
    }

    /** Why a callback's state was refused. */
    public enum Refusal { UNKNOWN, USED, EXPIRED, OTHER_BROWSER, OTHER_PROVIDER }

    /** A fresh random value for the browser cookie (and for state). */
    public String randomToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return B64URL.encodeToString(bytes);
    }

    public String begin(ConsentProvider provider, String browserCookie, Pkce pkce, Optional<String> loginHint,
                        Optional<Invitations.Invitation> invitation) {
        cleanUp();
        if (pendingAtLastCleanup >= MAX_PENDING) {
            throw new IllegalStateException("too many consent attempts in flight; try again in a few minutes");
        }
        String state = randomToken();
        repository.insert(key(state), new Attempt(provider, hash(browserCookie), pkce, loginHint, invitation, clock.instant().plus(lifetime)));
        return state;
    }

    /**
     * Takes the attempt out (whatever the outcome: a state is tried once), then checks it belongs to this browser,
     * this provider and is not expired.
     */
    public Result consume(ConsentProvider provider, String state, Optional<String> browserCookie) {
        if (state == null || state.isEmpty() || state.length() > 200) {
            return new Result(null, Refusal.UNKNOWN);
        }
        String key = key(state);
        Optional<Attempt> taken;
        try {
            taken = repository.take(key, clock.instant());
        } catch (SecretCipher.SecretUnreadable e) {
            // sealed under a master key retired since: as good as expired
            return new Result(null, Refusal.EXPIRED);
        }
        if (taken.isEmpty()) {
            return new Result(null, repository.exists(key) ? Refusal.USED : Refusal.UNKNOWN);
        }
        Attempt attempt = taken.get();
        if (clock.instant().isAfter(attempt.expiresAt)) {
            return new Result(null, Refusal.EXPIRED);
        }
        if (browserCookie.isEmpty() || !MessageDigest.isEqual(attempt.browserHash, hash(browserCookie.get()))) {
            return new Result(null, Refusal.OTHER_BROWSER);
        }
        if (attempt.provider != provider) {
            return new Result(null, Refusal.OTHER_PROVIDER);
        }
        return new Result(attempt, null);
    }

    public static final class Result {
        private final Attempt attempt;
        private final Refusal refusal;

        Result(Attempt attempt, Refusal refusal) {
            this.attempt = attempt;
            this.refusal = refusal;
        }

        public Optional<Attempt> attempt() {
            return Optional.ofNullable(attempt);
        }

        public Optional<Refusal> refusal() {
            return Optional.ofNullable(refusal);
        }
    }

    /** At most every 30 s per node: deletes what expired more than a lifetime ago, counts what is in flight. */
    void cleanUp() {
        long now = clock.millis();
        long due = nextCleanup.get();
        if (now < due || !nextCleanup.compareAndSet(due, now + CLEANUP_EVERY.toMillis())) {
            return;
        }
        Instant instant = clock.instant();
        repository.deleteExpiredBefore(instant.minus(lifetime));
        pendingAtLastCleanup = repository.countPending(instant);
    }

    /** The stored key of a state: its SHA-256, so the table alone cannot answer a callback. */
    static String key(String state) {
        return B64URL.encodeToString(hash(state));
    }

    static byte[] hash(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
