package io.postbridge.core.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Makes password guessing not scale: after {@code maxFailures} failed AUTH attempts within {@code window} from one
 * client IP, or against one username, further attempts from that IP (or for that username) are refused for
 * {@code lockout}, whatever the credentials. Counted per node, in memory.
 */
public final class AuthFailureThrottle {
    /** Entries beyond this are purged early, so a flood of addresses cannot exhaust the heap. */
    private static final int MAX_TRACKED = 100_000;

    private final int maxFailures;
    private final Duration window;
    private final Duration lockout;
    private final Clock clock;
    private final ConcurrentMap<String, Failures> failures = new ConcurrentHashMap<>();

    public AuthFailureThrottle(int maxFailures, Duration window, Duration lockout, Clock clock) {
        if (maxFailures < 1) {
            throw new IllegalArgumentException("maxFailures must be at least 1, was " + maxFailures);
        }
        this.maxFailures = maxFailures;
        this.window = Objects.requireNonNull(window);
        this.lockout = Objects.requireNonNull(lockout);
        this.clock = Objects.requireNonNull(clock);
    }

    /** Why and until when an attempt must be refused without checking the credentials. */
    public Optional<Block> blocked(String clientIp, String username) {
        Instant now = clock.instant();
        Optional<Block> byIp = blockedUntil(ipKey(clientIp), now).map(until -> new Block("client " + clientIp, until));
        if (byIp.isPresent()) {
            return byIp;
        }
        return blockedUntil(userKey(username), now).map(until -> new Block("username " + username, until));
    }

    /** Counts a failure; returns the block it caused, if this failure crossed the limit. */
    public Optional<Block> recordFailure(String clientIp, String username) {
        Instant now = clock.instant();
        if (failures.size() > MAX_TRACKED) {
            purge(now);
        }
        Optional<Block> byIp = count(ipKey(clientIp), now).map(until -> new Block("client " + clientIp, until));
        Optional<Block> byUser = count(userKey(username), now).map(until -> new Block("username " + username, until));
        return byIp.isPresent() ? byIp : byUser;
    }

    /** A success clears the username's count (not the IP's: one valid key must not reset guessing of others). */
    public void recordSuccess(String username) {
        failures.remove(userKey(username));
    }

    private Optional<Instant> blockedUntil(String key, Instant now) {
        Failures entry = failures.get(key);
        if (entry == null) {
            return Optional.empty();
        }
        synchronized (entry) {
            return entry.blockedUntil != null && now.isBefore(entry.blockedUntil) ? Optional.of(entry.blockedUntil) : Optional.empty();
        }
    }

    private Optional<Instant> count(String key, Instant now) {
        Failures entry = failures.computeIfAbsent(key, k -> new Failures());
        synchronized (entry) {
            if (entry.blockedUntil != null && !now.isBefore(entry.blockedUntil)) {
                entry.blockedUntil = null;
                entry.count = 0;
            }
            if (entry.windowStart == null || !now.isBefore(entry.windowStart.plus(window))) {
                entry.windowStart = now;
                entry.count = 0;
            }
            entry.count++;
            if (entry.count >= maxFailures && entry.blockedUntil == null) {
                entry.blockedUntil = now.plus(lockout);
                return Optional.of(entry.blockedUntil);
            }
            return Optional.empty();
        }
    }

    private void purge(Instant now) {
        failures.entrySet().removeIf(entry -> {
            Failures value = entry.getValue();
            synchronized (value) {
                boolean blockOver = value.blockedUntil == null || !now.isBefore(value.blockedUntil);
                boolean windowOver = value.windowStart == null || !now.isBefore(value.windowStart.plus(window));
                return blockOver && windowOver;
            }
        });
    }

    private static String ipKey(String ip) {
        return "ip:" + ip;
    }

    private static String userKey(String username) {
        return "user:" + (username == null ? "" : username.toLowerCase(java.util.Locale.ROOT));
    }

    private static final class Failures {
        private Instant windowStart;
        private int count;
        private Instant blockedUntil;
    }

    public static final class Block {
        private final String reason;
        private final Instant until;

        Block(String reason, Instant until) {
            this.reason = reason;
            this.until = until;
        }

        public String reason() {
            return reason;
        }

        public Instant until() {
            return until;
        }
    }
}
