package io.postbridge.core.webhooks;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * An endpoint's signing secret in the Standard Webhooks form {@code whsec_<base64 of 24 to 64 bytes>}; the HMAC key
 * is the decoded bytes. {@link #toString()} never shows it.
 */
public final class WebhookSecret {
    public static final String PREFIX = "whsec_";
    private static final int GENERATED_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String text;
    private final byte[] key;

    private WebhookSecret(String text, byte[] key) {
        this.text = text;
        this.key = key;
    }

    public static WebhookSecret generate() {
        byte[] key = new byte[GENERATED_BYTES];
        RANDOM.nextBytes(key);
        return new WebhookSecret(PREFIX + Base64.getEncoder().encodeToString(key), key);
    }

    /** @throws IllegalArgumentException when {@code text} is not {@code whsec_} and base64 of 24 to 64 bytes */
    public static WebhookSecret parse(String text) {
        Objects.requireNonNull(text);
        if (!text.startsWith(PREFIX)) {
            throw new IllegalArgumentException("a webhook secret starts with " + PREFIX);
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(text.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a webhook secret is " + PREFIX + " followed by base64");
        }
        if (key.length < 24 || key.length > 64) {
            throw new IllegalArgumentException("a webhook secret holds 24 to 64 bytes, this one " + key.length);
        }
        return new WebhookSecret(text, key);
    }

    /** The {@code whsec_…} form: shown to the operator once, sealed in the store. */
    public String text() {
        return text;
    }

    byte[] key() {
        return key.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof WebhookSecret && Arrays.equals(key, ((WebhookSecret) other).key);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key);
    }

    @Override
    public String toString() {
        return PREFIX + "…";
    }
}
