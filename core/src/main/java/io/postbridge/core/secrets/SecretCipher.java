package io.postbridge.core.secrets;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-256-GCM with the current master key. A ciphertext reads {@code pb1:<key id>:<base64url(iv | ct | tag)>}:
 * the key id tells which master key decrypts it, so keys can rotate while old rows stay readable. The caller's
 * context (e.g. which row the secret belongs to) is bound as associated data, so a ciphertext copied into another
 * row does not decrypt.
 */
public final class SecretCipher {
    private static final String VERSION = "pb1";
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final MasterKeys keys;

    public SecretCipher(MasterKeys keys) {
        this.keys = Objects.requireNonNull(keys);
    }

    public String encrypt(String plaintext, String context) {
        Objects.requireNonNull(plaintext);
        MasterKey key = keys.current();
        byte[] iv = new byte[IV_BYTES];
        RANDOM.nextBytes(iv);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key.secretKey(), new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[IV_BYTES + sealed.length];
            System.arraycopy(iv, 0, out, 0, IV_BYTES);
            System.arraycopy(sealed, 0, out, IV_BYTES, sealed.length);
            return VERSION + ":" + key.id() + ":" + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available in this JVM", e);
        }
    }

    public String decrypt(String ciphertext, String context) {
        String[] parts = split(ciphertext);
        MasterKey key = keys.find(parts[1]).orElseThrow(() -> new SecretUnreadable("the master key '" + parts[1]
            + "' that encrypted this secret is not in the key ring (" + keys.describe() + ")"));
        byte[] in;
        try {
            in = Base64.getUrlDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw new SecretUnreadable("the stored secret is not valid base64url");
        }
        if (in.length < IV_BYTES + TAG_BITS / 8) {
            throw new SecretUnreadable("the stored secret is too short");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key.secretKey(), new GCMParameterSpec(TAG_BITS, in, 0, IV_BYTES));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(in, IV_BYTES, in.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new SecretUnreadable("the stored secret does not decrypt with master key '" + key.id()
                + "' (wrong key, tampered data or moved between rows)");
        } catch (GeneralSecurityException e) {
            throw new SecretUnreadable("the stored secret cannot be decrypted: " + e.getClass().getSimpleName());
        }
    }

    /** The master key id a ciphertext was made with. */
    public static String keyIdOf(String ciphertext) {
        return split(ciphertext)[1];
    }

    public String currentKeyId() {
        return keys.current().id();
    }

    private static String[] split(String ciphertext) {
        String[] parts = ciphertext == null ? new String[0] : ciphertext.split(":", 3);
        if (parts.length != 3 || !VERSION.equals(parts[0])) {
            throw new SecretUnreadable("not a Postbridge ciphertext (expected 'pb1:<key id>:<data>')");
        }
        return parts;
    }

    /** A stored secret cannot be decrypted. The message never contains secret material. */
    public static final class SecretUnreadable extends RuntimeException {
        public SecretUnreadable(String message) {
            super(message);
        }
    }
}
