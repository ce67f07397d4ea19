package io.postbridge.core.secrets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Master keys in a file ({@code conf/postbridge-master.key} by default), one {@code id:base64} per line. */
public final class FileMasterKeySource implements MasterKeySource {
    private static final String HEADER = "# Postbridge master keys (AES-256). The LAST line is the current key.\n"
        + "# Back this file up apart from the database: without it no stored secret can be read.\n"
        + "# Format: id:base64-of-32-bytes. Older lines decrypt rows not yet re-encrypted (and old backups).\n";

    private final Path file;

    public FileMasterKeySource(Path file) {
        this.file = file.toAbsolutePath();
    }

    public Path file() {
        return file;
    }

    public boolean exists() {
        return Files.exists(file);
    }

    @Override
    public MasterKeyRing load() {
        String text;
        try {
            text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the master key file " + file + ": " + e.getMessage(), e);
        }
        try {
            return MasterKeyRing.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("master key file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Creates the file with one fresh key. */
    public MasterKeyRing create() {
        MasterKeyRing ring = new MasterKeyRing(java.util.List.of(MasterKey.generate()));
        SecretFiles.writeOwnerOnly(file, HEADER + ring.serialize());
        return ring;
    }

    @Override
    public boolean writable() {
        return true;
    }

    @Override
    public synchronized MasterKeyRing append(MasterKey key) {
        MasterKeyRing ring = load().with(key);
        SecretFiles.writeOwnerOnly(file, HEADER + ring.serialize());
        return ring;
    }

    @Override
    public String describe() {
        return "file " + file;
    }
}
