package io.postbridge.core.oauth;

import java.time.Instant;
import java.util.Objects;

/** A bearer token and when it stops working. {@link #toString()} never shows the token. */
public final class AccessToken {
    private final String value;
    private final Instant expiresAt;

    public AccessToken(String value, Instant expiresAt) {
        this.value = Objects.requireNonNull(value);
        this.expiresAt = Objects.requireNonNull(expiresAt);
    }

    public String value() {
        return value;
    }

    public Instant expiresAt() {
        return expiresAt;
    }

    @Override
    public String toString() {
        return "AccessToken{expiresAt=" + expiresAt + "}";
    }
}
