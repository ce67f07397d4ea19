package io.postbridge.core.apikeys;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

import io.postbridge.core.secrets.SecretFiles;

/**
 * The server-wide secret mixed into every API key hash (HMAC key). It never goes into the database, so a copy
 * of the database alone does not allow testing guessed keys. Losing it invalidates every API key.
 */
public final class Pepper {
    public static final int MIN_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String HEADER = "# Postbridge API key pepper (HMAC-SHA-256 key). Back it up apart from the database:\n"
        + "# without it every API key stops working. Never change it (that revokes every key).\n";

    private final byte[] bytes;

    private Pepper(byte[] bytes) {
        if (bytes.length < MIN_BYTES) {
            throw new IllegalArgumentException("the API key pepper must be at least " + MIN_BYTES + " bytes, was " + bytes.length);
        }
        this.bytes = bytes.clone();
    }

    public static Pepper fromBase64(String text) {
        String value = Arrays.stream(text.split("\\R")).map(String::trim)
            .filter(line -> !line.isEmpty() && !line.startsWith("#")).findFirst()
            .orElseThrow(() -> new IllegalArgumentException("the API key pepper is empty"));
        try {
            return new Pepper(Base64.getDecoder().decode(value));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the API key pepper must be base64 of at least " + MIN_BYTES + " bytes: " + e.getMessage());
        }
    }

    public static Pepper generate() {
        byte[] bytes = new byte[MIN_BYTES];
        RANDOM.nextBytes(bytes);
        return new Pepper(bytes);
    }

    public static Pepper readFile(Path file) {
        try {
            return fromBase64(new String(Files.readAllBytes(file), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the API key pepper file " + file + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("API key pepper file " + file + ": " + e.getMessage(), e);
        }
    }

    public void writeFile(Path file) {
        SecretFiles.writeOwnerOnly(file, HEADER + Base64.getEncoder().encodeToString(bytes) + "\n");
    }

    byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public String toString() {
        return "Pepper{…}";
    }
}
