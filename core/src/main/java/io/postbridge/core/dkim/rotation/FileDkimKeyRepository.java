package io.postbridge.core.dkim.rotation;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

import io.postbridge.core.dkim.DkimAlgorithm;
import io.postbridge.core.dkim.DkimSigningKey;

/**
 * Keys as files: {@code DIR/<domain>/<selector>.properties}, directories mode 700 and files 600 where the file
 * system supports POSIX permissions. Writes are atomic (temporary file, then rename). The private key is stored in
 * PKCS#8 base64 without encryption. Earlier versions kept managed keys here; the server now keeps them in the store
 * (encrypted) and only reads this layout to import it ({@link FileDkimKeyImport}).
 */
public final class FileDkimKeyRepository implements DkimKeyRepository {
    private static final String SUFFIX = ".properties";

    private final Path dir;

    public FileDkimKeyRepository(Path dir) throws IOException {
        this.dir = dir;
        createPrivateDirectory(dir);
    }

    @Override
    public synchronized void save(ManagedDkimKey key) throws IOException {
        Path domainDir = dir.resolve(safeDomain(key.domain()));
        createPrivateDirectory(domainDir);
        Properties p = new Properties();
        p.setProperty("domain", key.domain());
        p.setProperty("selector", key.selector());
        p.setProperty("algorithm", key.algorithm().tagValue());
        p.setProperty("privateKey", Base64.getEncoder().encodeToString(key.privateKeyPkcs8()));
        p.setProperty("publicKey", key.publicKey());
        p.setProperty("createdAt", key.createdAt().toString());
        key.activateAt().ifPresent(t -> p.setProperty("activateAt", t.toString()));
        key.retiredAt().ifPresent(t -> p.setProperty("retiredAt", t.toString()));
        p.setProperty("requireDnsMatch", Boolean.toString(key.requireDnsMatch()));
        key.dnsConfirmedAt().ifPresent(t -> p.setProperty("dnsConfirmedAt", t.toString()));
        key.dnsCheckedAt().ifPresent(t -> p.setProperty("dnsCheckedAt", t.toString()));
        key.dnsProblem().ifPresent(t -> p.setProperty("dnsProblem", t));
        Path target = domainDir.resolve(safeSelector(key.selector()) + SUFFIX);
        Path temp = Files.createTempFile(domainDir, ".tmp-", SUFFIX);
        restrict(temp);
        try (OutputStream out = Files.newOutputStream(temp)) {
            p.store(out, "Postbridge DKIM key (managed through WebAdmin /postbridge/dkim); contains a private key");
        }
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Override
    public synchronized Optional<ManagedDkimKey> find(String domain, String selector) throws IOException {
        Path file = dir.resolve(safeDomain(domain)).resolve(safeSelector(selector) + SUFFIX);
        try {
            return Optional.of(read(file));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public synchronized List<ManagedDkimKey> listByDomain(String domain) throws IOException {
        Path domainDir = dir.resolve(safeDomain(domain));
        if (!Files.isDirectory(domainDir)) {
            return List.of();
        }
        List<ManagedDkimKey> keys = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(domainDir, "[!.]*" + SUFFIX)) {
            for (Path file : files) {
                keys.add(read(file));
            }
        }
        keys.sort((a, b) -> a.selector().compareTo(b.selector()));
        return keys;
    }

    @Override
    public synchronized List<String> domains() throws IOException {
        List<String> domains = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(dir, Files::isDirectory)) {
            for (Path d : dirs) {
                if (!listByDomain(d.getFileName().toString()).isEmpty()) {
                    domains.add(d.getFileName().toString());
                }
            }
        }
        Collections.sort(domains);
        return domains;
    }

    @Override
    public synchronized boolean delete(String domain, String selector) throws IOException {
        return Files.deleteIfExists(dir.resolve(safeDomain(domain)).resolve(safeSelector(selector) + SUFFIX));
    }

    private static ManagedDkimKey read(Path file) throws IOException {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        }
        try {
            return new ManagedDkimKey(required(p, "domain", file), required(p, "selector", file),
                DkimAlgorithm.parse(required(p, "algorithm", file)),
                Base64.getDecoder().decode(required(p, "privateKey", file)), required(p, "publicKey", file),
                Instant.parse(required(p, "createdAt", file)), instant(p, "activateAt"), instant(p, "retiredAt"),
                Boolean.parseBoolean(p.getProperty("requireDnsMatch", "false")), instant(p, "dnsConfirmedAt"),
                instant(p, "dnsCheckedAt"), Optional.ofNullable(p.getProperty("dnsProblem")));
        } catch (RuntimeException e) {
            throw new IOException("DKIM key file " + file + " is damaged: " + e.getMessage(), e);
        }
    }

    private static String required(Properties p, String name, Path file) throws IOException {
        String value = p.getProperty(name);
        if (value == null) {
            throw new IOException("DKIM key file " + file + " has no " + name);
        }
        return value;
    }

    private static Optional<Instant> instant(Properties p, String name) {
        return Optional.ofNullable(p.getProperty(name)).map(Instant::parse);
    }

    /** Names become file names: only what normalized domains and selectors can contain. */
    private static String safeDomain(String domain) {
        return DkimSigningKey.normalizeDomain(domain);
    }

    private static String safeSelector(String selector) {
        return DkimSigningKey.normalizeSelector(selector);
    }

    private static void createPrivateDirectory(Path path) throws IOException {
        if (!Files.isDirectory(path)) {
            Files.createDirectories(path);
            try {
                Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwx------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: rely on the parent folder's permissions
            }
        }
    }

    private static void restrict(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system
        }
    }
}
