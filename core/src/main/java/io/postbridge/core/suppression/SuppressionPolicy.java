package io.postbridge.core.suppression;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The rules of {@code postbridge.properties}: {@code suppression.softBounces} (N, default 3) soft bounces within
 * {@code suppression.softWindow} (default 7 days) suppress; {@code suppression.expiry} (default: never) lifts an
 * entry by itself; {@code suppression.enforcement} {@code reject} (550 at RCPT, default) or {@code accept-and-drop}.
 */
public final class SuppressionPolicy {
    public enum Enforcement {
        /** 550 5.1.1 (5.7.1 for a complaint) at RCPT, saying why and since when. */
        REJECT,
        /** 250 at RCPT, then the recipient is dropped from the mail with a {@code dropped} event (per account only). */
        ACCEPT_AND_DROP;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        public static Optional<Enforcement> fromWireName(String name) {
            for (Enforcement e : values()) {
                if (e.wireName().equalsIgnoreCase(name.trim())) {
                    return Optional.of(e);
                }
            }
            return Optional.empty();
        }
    }

    public static final int DEFAULT_SOFT_BOUNCES = 3;
    public static final Duration DEFAULT_SOFT_WINDOW = Duration.ofDays(7);

    private final int softBounces;
    private final Duration softWindow;
    private final Optional<Duration> expiry;
    private final Enforcement enforcement;

    public SuppressionPolicy(int softBounces, Duration softWindow, Optional<Duration> expiry, Enforcement enforcement) {
        if (softBounces < 1) {
            throw new IllegalArgumentException("soft bounces before suppression must be at least 1, was " + softBounces);
        }
        this.softBounces = softBounces;
        this.softWindow = Objects.requireNonNull(softWindow);
        this.expiry = Objects.requireNonNull(expiry);
        this.enforcement = Objects.requireNonNull(enforcement);
    }

    public static SuppressionPolicy defaults() {
        return new SuppressionPolicy(DEFAULT_SOFT_BOUNCES, DEFAULT_SOFT_WINDOW, Optional.empty(), Enforcement.REJECT);
    }

    public int softBounces() {
        return softBounces;
    }

    public Duration softWindow() {
        return softWindow;
    }

    public Optional<Duration> expiry() {
        return expiry;
    }

    public Enforcement enforcement() {
        return enforcement;
    }
}
