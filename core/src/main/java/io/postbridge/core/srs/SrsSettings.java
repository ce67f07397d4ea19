package io.postbridge.core.srs;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import io.postbridge.core.signing.SecretRing;

/**
 * The knobs of the SRS scheme, with the defaults of Mail::SRS and postsrsd (hash length 4, 21 days, separator
 * {@code =}). Several secrets may be given: the first signs new addresses, every one of them is accepted when an
 * address comes back, so a secret can be rotated without breaking bounces still in flight.
 */
public final class SrsSettings {
    public static final int DEFAULT_HASH_LENGTH = 4;
    public static final int DEFAULT_MAX_AGE_DAYS = 21;
    public static final char DEFAULT_SEPARATOR = '=';
    /** Base64 of a 20-byte HMAC-SHA1 without padding. */
    public static final int MAX_HASH_LENGTH = 27;
    /** Fewer hash characters than this would make forging an address practical. */
    public static final int MIN_HASH_LENGTH = 4;
    /** The timestamp cycles every 1024 days; an age close to that would accept stale addresses. */
    public static final int MAX_MAX_AGE_DAYS = 1000;

    private final List<byte[]> secrets;
    private final SecretRing ring;
    private final int hashLength;
    private final int hashMinimum;
    private final int maxAgeDays;
    private final char separator;

    private SrsSettings(Builder builder) {
        this.secrets = Collections.unmodifiableList(new ArrayList<>(builder.secrets));
        this.ring = SecretRing.of(secrets);
        this.hashLength = builder.hashLength;
        this.hashMinimum = builder.hashMinimum == 0 ? builder.hashLength : builder.hashMinimum;
        this.maxAgeDays = builder.maxAgeDays;
        this.separator = builder.separator;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Secrets as bytes; index 0 signs. */
    List<byte[]> secrets() {
        return secrets;
    }

    /** The same secrets as the ring SRS and VERP verify with. */
    public SecretRing secretRing() {
        return ring;
    }

    public int hashLength() {
        return hashLength;
    }

    public int hashMinimum() {
        return hashMinimum;
    }

    public int maxAgeDays() {
        return maxAgeDays;
    }

    public char separator() {
        return separator;
    }

    public int secretCount() {
        return secrets.size();
    }

    public static final class Builder {
        private final List<byte[]> secrets = new ArrayList<>();
        private int hashLength = DEFAULT_HASH_LENGTH;
        private int hashMinimum;
        private int maxAgeDays = DEFAULT_MAX_AGE_DAYS;
        private char separator = DEFAULT_SEPARATOR;

        private Builder() {
        }

        /** Adds a secret; the first one added signs. */
        public Builder secret(String secret) {
            if (secret == null || secret.isEmpty()) {
                throw new IllegalArgumentException("an SRS secret must not be empty");
            }
            secrets.add(secret.getBytes(StandardCharsets.UTF_8));
            return this;
        }

        public Builder secrets(List<String> all) {
            all.forEach(this::secret);
            return this;
        }

        public Builder hashLength(int length) {
            if (length < MIN_HASH_LENGTH || length > MAX_HASH_LENGTH) {
                throw new IllegalArgumentException("the hash length must be from " + MIN_HASH_LENGTH + " to "
                    + MAX_HASH_LENGTH + ", was " + length);
            }
            this.hashLength = length;
            return this;
        }

        /** Shortest hash accepted when an address comes back (postsrsd's hash-minimum); defaults to the hash length. */
        public Builder hashMinimum(int minimum) {
            if (minimum < MIN_HASH_LENGTH || minimum > MAX_HASH_LENGTH) {
                throw new IllegalArgumentException("the minimum hash length must be from " + MIN_HASH_LENGTH + " to "
                    + MAX_HASH_LENGTH + ", was " + minimum);
            }
            this.hashMinimum = minimum;
            return this;
        }

        public Builder maxAgeDays(int days) {
            if (days < 1 || days > MAX_MAX_AGE_DAYS) {
                throw new IllegalArgumentException("the maximum age must be from 1 to " + MAX_MAX_AGE_DAYS
                    + " days, was " + days);
            }
            this.maxAgeDays = days;
            return this;
        }

        /** The character after the SRS0/SRS1 tag: {@code =}, {@code +} or {@code -}. */
        public Builder separator(char separator) {
            if (separator != '=' && separator != '+' && separator != '-') {
                throw new IllegalArgumentException("the separator must be '=', '+' or '-', was '" + separator + "'");
            }
            this.separator = separator;
            return this;
        }

        public SrsSettings build() {
            if (secrets.isEmpty()) {
                throw new IllegalArgumentException("at least one SRS secret is needed");
            }
            if (hashMinimum > hashLength) {
                throw new IllegalArgumentException("the minimum hash length (" + hashMinimum
                    + ") must not exceed the hash length (" + hashLength + ")");
            }
            return new SrsSettings(this);
        }
    }
}
