package io.postbridge.core.dkim.rotation;

import java.time.Duration;
import java.util.Objects;

/**
 * The managed keys' rotation schedule. The operator sets it in {@code conf/postbridge.properties}
 * ({@code dkim.rotation.activationDelay}, {@code dkim.rotation.retiredDnsKeep}, {@code dkim.rotation.dnsRecheck},
 * {@code dkim.keys.cacheTime}); the constants below are the defaults.
 */
public final class DkimRotationSettings {
    /** Time between publishing a new key's DNS record and signing with it (DNS caches must see it first). */
    public static final Duration DEFAULT_ACTIVATION_DELAY = Duration.ofHours(48);
    /** How long a retired key's DNS record stays published (queued retries, re-verification by mailbox providers). */
    public static final Duration DEFAULT_RETIRED_DNS_KEEP = Duration.ofDays(7);
    /** How often a key waiting for its DNS record is looked up again. */
    public static final Duration DEFAULT_DNS_RECHECK = Duration.ofMinutes(10);
    /** How long key data read from the store is reused before it is read again. */
    public static final Duration DEFAULT_CACHE_TTL = Duration.ofSeconds(30);

    private final Duration activationDelay;
    private final Duration retiredDnsKeep;
    private final Duration dnsRecheck;
    private final Duration cacheTtl;

    public DkimRotationSettings(Duration activationDelay, Duration retiredDnsKeep, Duration dnsRecheck, Duration cacheTtl) {
        this.activationDelay = nonNegative(activationDelay, "activation delay");
        this.retiredDnsKeep = nonNegative(retiredDnsKeep, "retired DNS keep time");
        this.dnsRecheck = nonNegative(dnsRecheck, "DNS re-check interval");
        this.cacheTtl = nonNegative(cacheTtl, "cache time");
    }

    public static DkimRotationSettings defaults() {
        return new DkimRotationSettings(DEFAULT_ACTIVATION_DELAY, DEFAULT_RETIRED_DNS_KEEP, DEFAULT_DNS_RECHECK,
            DEFAULT_CACHE_TTL);
    }

    private static Duration nonNegative(Duration d, String what) {
        Objects.requireNonNull(d, what);
        if (d.isNegative()) {
            throw new IllegalArgumentException(what + " must not be negative");
        }
        return d;
    }

    public Duration activationDelay() {
        return activationDelay;
    }

    public Duration retiredDnsKeep() {
        return retiredDnsKeep;
    }

    public Duration dnsRecheck() {
        return dnsRecheck;
    }

    public Duration cacheTtl() {
        return cacheTtl;
    }
}
