package io.postbridge.core.otp;

import java.time.Duration;
import java.util.Objects;

/** {@code otp.*} of postbridge.properties. */
public final class OtpSettings {
    public static final int DEFAULT_DIGITS = 6;
    public static final Duration DEFAULT_LIFESPAN = Duration.ofSeconds(120);
    public static final int DEFAULT_MAX_ATTEMPTS = 5;
    public static final Duration DEFAULT_RESEND_INTERVAL = Duration.ofSeconds(30);

    private final int digits;
    private final Duration lifespan;
    private final int maxAttempts;
    private final Duration resendInterval;
    private final OtpTemplate defaultTemplate;

    public OtpSettings(int digits, Duration lifespan, int maxAttempts, Duration resendInterval, OtpTemplate defaultTemplate) {
        if (digits < 4 || digits > 12) {
            throw new IllegalArgumentException("OTP codes have 4 to 12 digits, not " + digits);
        }
        this.digits = digits;
        this.lifespan = Objects.requireNonNull(lifespan);
        this.maxAttempts = maxAttempts;
        this.resendInterval = Objects.requireNonNull(resendInterval);
        this.defaultTemplate = Objects.requireNonNull(defaultTemplate);
    }

    public static OtpSettings defaults() {
        return new OtpSettings(DEFAULT_DIGITS, DEFAULT_LIFESPAN, DEFAULT_MAX_ATTEMPTS, DEFAULT_RESEND_INTERVAL, OtpTemplate.DEFAULT);
    }

    public int digits() {
        return digits;
    }

    public Duration lifespan() {
        return lifespan;
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    public Duration resendInterval() {
        return resendInterval;
    }

    /** For accounts without their own template. */
    public OtpTemplate defaultTemplate() {
        return defaultTemplate;
    }
}
