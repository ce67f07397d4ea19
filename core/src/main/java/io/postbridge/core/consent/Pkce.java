package io.postbridge.core.consent;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * RFC 7636 PKCE with S256, one pair per attempt. The verifier is 64 characters of base64url (48 random bytes,
 * inside the 43-128 limit), the challenge base64url without padding: Google refuses a padded one.
 */
public final class Pkce {
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private final String verifier;
    private final String challenge;

    private Pkce(String verifier) {
        this.verifier = verifier;
        this.challenge = challengeOf(verifier);
    }

    public static Pkce generate(SecureRandom random) {
        byte[] bytes = new byte[48];
        random.nextBytes(bytes);
        return new Pkce(B64URL.encodeToString(bytes));
    }

    /** The attempt's verifier again, read back from the store at the callback. */
    public static Pkce ofVerifier(String verifier) {
        if (verifier == null || !verifier.matches("[A-Za-z0-9._~-]{43,128}")) {
            throw new IllegalArgumentException("not a PKCE verifier");
        }
        return new Pkce(verifier);
    }

    public static String challengeOf(String verifier) {
        try {
            return B64URL.encodeToString(MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public String verifier() {
        return verifier;
    }

    public String challenge() {
        return challenge;
    }

    @Override
    public String toString() {
        return "Pkce[S256]"; // the verifier is a secret of this attempt
    }
}
