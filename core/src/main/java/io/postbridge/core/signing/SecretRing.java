package io.postbridge.core.signing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC secrets of a signed-address scheme: index 0 signs, all of them verify. The secrets file format and its
 * rotation are {@link io.postbridge.core.srs.SrsSecretsFile}'s.
 */
public final class SecretRing {
    private final List<byte[]> secrets;

    private SecretRing(List<byte[]> secrets) {
        if (secrets.isEmpty()) {
            throw new IllegalArgumentException("at least one secret is needed");
        }
        this.secrets = Collections.unmodifiableList(new ArrayList<>(secrets));
    }

    public static SecretRing of(List<byte[]> secrets) {
        return new SecretRing(secrets);
    }

    public static SecretRing ofStrings(List<String> secrets) {
        List<byte[]> bytes = new ArrayList<>();
        for (String secret : secrets) {
            if (secret == null || secret.isEmpty()) {
                throw new IllegalArgumentException("a secret must not be empty");
            }
            bytes.add(secret.getBytes(StandardCharsets.UTF_8));
        }
        return new SecretRing(bytes);
    }

    public byte[] signing() {
        return secrets.get(0);
    }

    public int size() {
        return secrets.size();
    }

    /**
     * True when {@code given} equals the signature {@code expected} computes for some secret, exactly or (with
     * {@code foldCase}) ignoring ASCII case, because some MTAs smash the case of local parts. Every secret is tried
     * and compared in constant time, so the answer's timing does not say which secret or how much matched.
     */
    public boolean anyMatches(String given, Function<byte[], String> expected, boolean foldCase) {
        byte[] givenBytes = given.getBytes(StandardCharsets.US_ASCII);
        byte[] givenLower = asciiLower(given).getBytes(StandardCharsets.US_ASCII);
        boolean valid = false;
        for (byte[] secret : secrets) {
            String want = expected.apply(secret);
            boolean exact = MessageDigest.isEqual(givenBytes, want.getBytes(StandardCharsets.US_ASCII));
            boolean folded = foldCase && MessageDigest.isEqual(givenLower, asciiLower(want).getBytes(StandardCharsets.US_ASCII));
            valid |= exact | folded;
        }
        return valid;
    }

    /** HMAC of the ASCII-lower-cased fields, concatenated. */
    public static byte[] hmac(String algorithm, byte[] secret, String... fields) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(secret, algorithm));
            for (String field : fields) {
                mac.update(asciiLower(field).getBytes(StandardCharsets.UTF_8));
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " is part of every Java runtime", e);
        }
    }

    /** Perl's lc and C's tolower on byte strings only fold ASCII; so must we, to hash the same bytes. */
    public static String asciiLower(String value) {
        StringBuilder lower = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            lower.append(c >= 'A' && c <= 'Z' ? (char) (c + 32) : c);
        }
        return lower.toString();
    }
}
