package io.postbridge.core.dkim;

import java.util.Locale;

/** The signing algorithms Postbridge emits. rsa-sha1 is deliberately absent (RFC 8301 forbids it). */
public enum DkimAlgorithm {
    RSA_SHA256("rsa-sha256", "rsa"),
    ED25519_SHA256("ed25519-sha256", "ed25519");

    private final String tagValue;
    private final String keyType;

    DkimAlgorithm(String tagValue, String keyType) {
        this.tagValue = tagValue;
        this.keyType = keyType;
    }

    /** The {@code a=} value of the signature. */
    public String tagValue() {
        return tagValue;
    }

    /** The {@code k=} value of the DNS key record. */
    public String keyType() {
        return keyType;
    }

    /** Accepts the {@code a=} value ("rsa-sha256") or the key type ("rsa", "ed25519"); refuses rsa-sha1. */
    public static DkimAlgorithm parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (DkimAlgorithm algorithm : values()) {
            if (algorithm.tagValue.equals(v) || algorithm.keyType.equals(v)) {
                return algorithm;
            }
        }
        if (v.equals("rsa-sha1")) {
            throw new IllegalArgumentException("rsa-sha1 must not be used for signing (RFC 8301); use rsa-sha256");
        }
        throw new IllegalArgumentException("unknown DKIM algorithm '" + value + "'; expected rsa-sha256 or ed25519-sha256");
    }

    @Override
    public String toString() {
        return tagValue;
    }
}
