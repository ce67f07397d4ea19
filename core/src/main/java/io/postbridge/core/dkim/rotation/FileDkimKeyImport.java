package io.postbridge.core.dkim.rotation;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.postbridge.core.dkim.DkimSigningKey;

/**
 * Moves the managed keys of earlier versions ({@link FileDkimKeyRepository}, {@code var/postbridge/dkim/}, private
 * keys unencrypted) into the store, once, at start-up. Safe to repeat after a crash: a key already in the store with
 * the same public key counts as imported. A key whose selector the store already uses for a <em>different</em> key
 * is not overwritten; the folder then stays where it is, for the operator to decide. When every key is in the
 * store, the folder is renamed to {@code <folder>.imported} (it still holds the keys in plaintext: delete it once
 * the keys sign from the store).
 */
public final class FileDkimKeyImport {
    private static final Logger LOGGER = LoggerFactory.getLogger(FileDkimKeyImport.class);

    private final Path folder;
    private final DkimKeyRepository store;

    public FileDkimKeyImport(Path folder, DkimKeyRepository store) {
        this.folder = Objects.requireNonNull(folder);
        this.store = Objects.requireNonNull(store);
    }

    /** What one run did. */
    public static final class Result {
        private final int imported;
        private final int alreadyStored;
        private final List<String> conflicts;
        private final Path movedTo;

        Result(int imported, int alreadyStored, List<String> conflicts, Path movedTo) {
            this.imported = imported;
            this.alreadyStored = alreadyStored;
            this.conflicts = List.copyOf(conflicts);
            this.movedTo = movedTo;
        }

        public int imported() {
            return imported;
        }

        public int alreadyStored() {
            return alreadyStored;
        }

        /** Keys left in the folder because the store has another key under their selector. */
        public List<String> conflicts() {
            return conflicts;
        }

        /** Where the folder went; null when it was not moved (nothing to import, or conflicts). */
        public Path movedTo() {
            return movedTo;
        }
    }

    /**
     * @throws IOException naming the file when a key file cannot be read (start-up stops: fix or remove the file;
     *                     silently skipping it would silently stop signing its domain)
     */
    public Result run() throws IOException {
        if (!Files.isDirectory(folder)) {
            return new Result(0, 0, List.of(), null);
        }
        FileDkimKeyRepository files = new FileDkimKeyRepository(folder);
        int imported = 0;
        int alreadyStored = 0;
        List<String> conflicts = new ArrayList<>();
        for (String domain : domainFolders()) {
            List<ManagedDkimKey> keys;
            try {
                keys = files.listByDomain(domain);
            } catch (IOException e) {
                throw new IOException("cannot import the managed DKIM keys of " + folder + " into the store: "
                    + e.getMessage() + " (repair or remove that file, then start again)", e);
            }
            for (ManagedDkimKey key : keys) {
                ManagedDkimKey stored = store.find(key.domain(), key.selector()).orElse(null);
                if (stored == null) {
                    store.save(key);
                    imported++;
                } else if (stored.publicKey().equals(key.publicKey()) && stored.algorithm() == key.algorithm()) {
                    alreadyStored++;
                } else {
                    conflicts.add(key.domain() + "/" + key.selector());
                }
            }
        }
        if (imported + alreadyStored + conflicts.size() == 0) {
            return new Result(0, 0, List.of(), null); // an empty folder (earlier versions created it at every start)
        }
        if (!conflicts.isEmpty()) {
            LOGGER.warn("DKIM: {} managed key(s) of {} were NOT imported into the store, which already has other keys "
                + "under the same selectors: {}. They do not sign. Compare them (GET /postbridge/dkim/domains/DOMAIN/keys), "
                + "then delete the file(s) you do not want and restart.", conflicts.size(), folder, conflicts);
            return new Result(imported, alreadyStored, conflicts, null);
        }
        Path target = freeSibling(folder);
        Files.move(folder, target);
        LOGGER.warn("DKIM: imported {} managed key(s) from {} into the store (private keys now encrypted at rest); the "
            + "folder was renamed to {}: it still holds them UNENCRYPTED, delete it once mail is signed as before",
            imported + alreadyStored, folder, target);
        return new Result(imported, alreadyStored, conflicts, target);
    }

    /** The sub-folders named like domains (FileDkimKeyRepository's layout); anything else is not ours. */
    private List<String> domainFolders() throws IOException {
        List<String> domains = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(folder, Files::isDirectory)) {
            for (Path dir : dirs) {
                String name = dir.getFileName().toString();
                try {
                    if (DkimSigningKey.normalizeDomain(name).equals(name)) {
                        domains.add(name);
                    }
                } catch (IllegalArgumentException e) {
                    // not a domain
                }
            }
        }
        Collections.sort(domains);
        return domains;
    }

    private static Path freeSibling(Path folder) {
        Path target = folder.resolveSibling(folder.getFileName() + ".imported");
        for (int i = 2; Files.exists(target); i++) {
            target = folder.resolveSibling(folder.getFileName() + ".imported-" + i);
        }
        return target;
    }
}
