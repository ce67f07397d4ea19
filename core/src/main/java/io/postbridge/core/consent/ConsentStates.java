package io.postbridge.core.consent;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code state} of each consent attempt: 256 random bits, kept here with the attempt's PKCE verifier and the
 * hash of the browser's cookie, for at most the state lifetime, and consumed atomically (a replayed callback finds it
 * used, so a code is never redeemed twice). Used states are remembered for the same lifetime so the page can say
 * "this link was used" rather than "unknown". Held in memory: a node restart ends the attempts in flight (the user
 * starts again), and with several nodes behind one address the listener needs sticky sessions.
 */
public final class ConsentStates {
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
    private static final int MAX_PENDING = 100_000;

    private final Clock clock;
    private final Duration lifetime;
    private final SecureRandom random;
    private final Map<String, Attempt> pending = new ConcurrentHashMap<>();
    private final Map<String, Instant> used = new ConcurrentHashMap<>();

    public ConsentStates(Clock clock, Duration lifetime, SecureRandom random) {
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

        Attempt(ConsentProvider provider, byte[] browserHash, Pkce pkce, Optional<String> loginHint,
                Optional<Invitations.Invitation> invitation, Instant expiresAt) {
            this.provider = provider;
            this.browserHash = browserHash;
            this.pkce = pkce;
            this.loginHint = loginHint;
            this.invitation = invitation;
            this.expiresAt = expiresAt;
        }

        public ConsentProvider provider() {
            return provider;
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
        prune();
        if (pending.size() >= MAX_PENDING) {
            throw new IllegalStateException("too many consent attempts in flight; try again in a few minutes");
        }
        String state = randomToken();
        pending.put(state, new Attempt(provider, hash(browserCookie), pkce, loginHint, invitation, clock.instant().plus(lifetime)));
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
        Attempt attempt = pending.remove(state);
        if (attempt == null) {
            return new Result(null, used.containsKey(state) ? Refusal.USED : Refusal.UNKNOWN);
        }
        used.put(state, clock.instant().plus(lifetime));
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

    private void prune() {
        Instant now = clock.instant();
        pending.values().removeIf(attempt -> now.isAfter(attempt.expiresAt.plus(lifetime)));
        used.values().removeIf(until -> now.isAfter(until));
    }

    static byte[] hash(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
