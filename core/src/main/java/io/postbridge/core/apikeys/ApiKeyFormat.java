package io.postbridge.core.apikeys;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shape of a Postbridge API key: {@code pbk_<key id>_<secret>}. The key id (16 characters a-z 2-7) is
 * public: it finds the stored hash and is what the admin API lists. The secret is 256 random bits, base64url.
 */
public final class ApiKeyFormat {
    public static final String PREFIX = "pbk_";
    static final int KEY_ID_LENGTH = 16;
    static final int SECRET_BYTES = 32;
    private static final Pattern KEY = Pattern.compile("pbk_([a-z2-7]{16})_([A-Za-z0-9_-]{43})");
    private static final Pattern KEY_ID = Pattern.compile("[a-z2-7]{16}");
    private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeyFormat() {
    }

    /** A new key: its id and the whole key (to show once). */
    public static Generated generate() {
        StringBuilder keyId = new StringBuilder(KEY_ID_LENGTH);
        for (int i = 0; i < KEY_ID_LENGTH; i++) {
            keyId.append(BASE32[RANDOM.nextInt(BASE32.length)]);
        }
        byte[] secret = new byte[SECRET_BYTES];
        RANDOM.nextBytes(secret);
        String token = PREFIX + keyId + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        return new Generated(keyId.toString(), token);
    }

    /** The key id of something that looks like an API key, or empty. */
    public static Optional<String> keyIdOf(String candidate) {
        if (candidate == null) {
            return Optional.empty();
        }
        Matcher matcher = KEY.matcher(candidate.trim());
        return matcher.matches() ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    public static boolean isKeyId(String value) {
        return value != null && KEY_ID.matcher(value).matches();
    }

    /** What an operator sees in lists: {@code pbk_<key id>_…}. */
    public static String displayPrefix(String keyId) {
        return PREFIX + keyId + "_";
    }

    public static final class Generated {
        private final String keyId;
        private final String token;

        Generated(String keyId, String token) {
            this.keyId = keyId;
            this.token = token;
        }

        public String keyId() {
            return keyId;
        }

        public String token() {
            return token;
        }

        @Override
        public String toString() {
            return "ApiKey{" + displayPrefix(keyId) + "…}";
        }
    }
}
