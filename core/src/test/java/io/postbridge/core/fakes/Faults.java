package io.postbridge.core.fakes;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Random fault injection for a fake server (soak tests, issue 19): each call is hit by a fault with probability
 * {@link #rate(double)}, the kind chosen uniformly among the enabled ones. Off (rate 0) unless a test turns it on,
 * so a fake behaves exactly as before for every other test. Counts what it injected, per kind.
 *
 * @param <K> the kinds of fault of one protocol ({@link Http}, {@link Smtp})
 */
public final class Faults<K extends Enum<K>> {
    /** Faults of the fake HTTP APIs (Gmail send, Graph send). */
    public enum Http {
        /** 429 with Retry-After: 1. */
        THROTTLE_429,
        /** 500 Internal Server Error. */
        ERROR_500,
        /** 503 Service Unavailable. */
        UNAVAILABLE_503,
        /**
         * The connection closes without an answer before the request is processed (the JDK HTTP server cannot send a
         * TCP RST; the client sees the connection end with no response, as after a reset).
         */
        RESET,
        /**
         * The request is processed (the message is sent) only after {@link #timeout()}, longer than the client's request
         * timeout: the client gives up without knowing that the provider took it.
         */
        TIMEOUT,
        /** The request is processed and a 2xx starts, but its body never ends (headers announce more than is sent). */
        ENDLESS_BODY
    }

    /** Faults of the fake SMTP servers (upstream, MX). */
    public enum Smtp {
        /** 421 in the middle of the session (answer to MAIL FROM), then the socket is closed. */
        CLOSE_421,
        /** 451 to RCPT TO (try again later). */
        RCPT_451,
        /** The message is received (and kept) but the socket is closed instead of the answer to the final dot. */
        DROP_AFTER_DATA
    }

    private final Class<K> type;
    private final SplittableRandom seeds;
    private volatile double rate;
    private volatile List<K> enabled;
    private volatile Duration timeout = Duration.ofSeconds(3);
    private volatile Duration stall = Duration.ofMinutes(10);
    private final Map<K, AtomicInteger> injected = new ConcurrentHashMap<>();

    private Faults(Class<K> type, long seed) {
        this.type = type;
        this.seeds = new SplittableRandom(seed);
        this.enabled = List.copyOf(EnumSet.allOf(type));
    }

    public static Faults<Http> http(long seed) {
        return new Faults<>(Http.class, seed);
    }

    public static Faults<Smtp> smtp(long seed) {
        return new Faults<>(Smtp.class, seed);
    }

    /** Probability that a call is hit (0 = off, the default; 0.2 = one call in five). */
    public Faults<K> rate(double value) {
        if (value < 0 || value > 1) {
            throw new IllegalArgumentException("rate must be between 0 and 1: " + value);
        }
        this.rate = value;
        return this;
    }

    public double rate() {
        return rate;
    }

    /** Only these kinds (default: all). */
    public Faults<K> only(Set<K> kinds) {
        this.enabled = List.copyOf(EnumSet.copyOf(kinds));
        return this;
    }

    /** How long a {@link Http#TIMEOUT} keeps the client waiting before the provider processes the call. */
    public Faults<K> timeout(Duration value) {
        this.timeout = value;
        return this;
    }

    public Duration timeout() {
        return timeout;
    }

    /** How long an {@link Http#ENDLESS_BODY} keeps the body open (ends early when the fake is closed). */
    public Faults<K> stall(Duration value) {
        this.stall = value;
        return this;
    }

    public Duration stall() {
        return stall;
    }

    /** The fault for the next call, or null (most calls). */
    public K next() {
        double current = rate;
        if (current <= 0) {
            return null;
        }
        double roll;
        int pick;
        synchronized (seeds) {
            roll = seeds.nextDouble();
            pick = seeds.nextInt(Integer.MAX_VALUE);
        }
        if (roll >= current) {
            return null;
        }
        List<K> kinds = enabled;
        K kind = kinds.get(pick % kinds.size());
        injected.computeIfAbsent(kind, k -> new AtomicInteger()).incrementAndGet();
        return kind;
    }

    /** How many faults of each kind were injected so far. */
    public Map<K, Integer> injected() {
        Map<K, Integer> counts = new java.util.EnumMap<>(type);
        injected.forEach((kind, count) -> counts.put(kind, count.get()));
        return counts;
    }

    public int injectedTotal() {
        return injected.values().stream().mapToInt(AtomicInteger::get).sum();
    }
}
