package io.postbridge.core.apikeys;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA-256 of an API key under the server pepper. A slow password hash would buy nothing for a 256-bit
 * random key and would cost CPU on every SMTP AUTH.
 */
public final class ApiKeyHasher {
    private static final String ALGORITHM = "HmacSHA256";
    private final SecretKeySpec key;

    public ApiKeyHasher(Pepper pepper) {
        this.key = new SecretKeySpec(pepper.bytes(), ALGORITHM);
    }

    public String hash(String apiKey) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return Base64.getEncoder().encodeToString(mac.doFinal(apiKey.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    /** Constant-time comparison of a presented key with a stored hash. */
    public boolean matches(String apiKey, String storedHash) {
        return MessageDigest.isEqual(hash(apiKey).getBytes(StandardCharsets.US_ASCII), storedHash.getBytes(StandardCharsets.US_ASCII));
    }
}
