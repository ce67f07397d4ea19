package io.postbridge.core.srs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The secrets file, in postsrsd's format: one secret per line, the first one signs, all of them verify.
 * Blank lines are ignored and each line is trimmed (a trailing newline is not part of the secret, as in postsrsd).
 * To rotate: put the new secret on the first line and keep the old one below it for the maximum age (21 days).
 */
public final class SrsSecretsFile {
    private static final int GENERATED_BYTES = 32;

    private SrsSecretsFile() {
    }

    public static List<String> read(Path file) throws IOException {
        List<String> secrets = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String secret = line.trim();
            if (!secret.isEmpty()) {
                secrets.add(secret);
            }
        }
        return secrets;
    }

    /**
     * Writes a fresh random secret, readable by the owner only, unless the file exists.
     * Returns true when it wrote one.
     */
    public static boolean createIfMissing(Path file, SecureRandom random) throws IOException {
        if (Files.exists(file)) {
            return false;
        }
        byte[] bytes = new byte[GENERATED_BYTES];
        random.nextBytes(bytes);
        String secret = Base64.getEncoder().withoutPadding().encodeToString(bytes) + "\n";
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        try {
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(file);
            }
        } catch (FileAlreadyExistsException raced) {
            return false;
        }
        Files.write(file, secret.getBytes(StandardCharsets.UTF_8));
        return true;
    }
}
