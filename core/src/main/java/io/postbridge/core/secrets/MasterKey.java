package io.postbridge.core.secrets;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Pattern;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/** One AES-256 master key and the id that every ciphertext made with it carries. */
public final class MasterKey {
    public static final int KEY_BYTES = 32;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String id;
    private final SecretKey key;

    public MasterKey(String id, byte[] keyBytes) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("master key id must be 1 to 32 characters A-Z a-z 0-9 _ -, was '" + id + "'");
        }
        if (keyBytes == null || keyBytes.length != KEY_BYTES) {
            throw new IllegalArgumentException("master key '" + id + "' must be " + KEY_BYTES + " bytes (AES-256), was "
                + (keyBytes == null ? 0 : keyBytes.length));
        }
        this.id = id;
        this.key = new SecretKeySpec(keyBytes, "AES");
    }

    /** A fresh random key with a random id such as {@code k3f9a61c2}. */
    public static MasterKey generate() {
        byte[] bytes = new byte[KEY_BYTES];
        RANDOM.nextBytes(bytes);
        byte[] idBytes = new byte[4];
        RANDOM.nextBytes(idBytes);
        StringBuilder id = new StringBuilder("k");
        for (byte b : idBytes) {
            id.append(String.format("%02x", b));
        }
        MasterKey key = new MasterKey(id.toString(), bytes);
        Arrays.fill(bytes, (byte) 0);
        return key;
    }

    public String id() {
        return id;
    }

    SecretKey secretKey() {
        return key;
    }

    /** {@code id:base64}: one line of a key ring file. */
    String serialize() {
        return id + ":" + Base64.getEncoder().encodeToString(key.getEncoded());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MasterKey && id.equals(((MasterKey) o).id)
            && java.security.MessageDigest.isEqual(key.getEncoded(), ((MasterKey) o).key.getEncoded());
    }

    @Override
    public int hashCode() {
        return Objects.hash(id);
    }

    /** Never prints the key material. */
    @Override
    public String toString() {
        return "MasterKey{" + id + "}";
    }
}
