package io.postbridge.core.dkim.keys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import io.postbridge.core.dkim.DkimKeyException;
import io.postbridge.core.dkim.DkimPrivateKey;
import io.postbridge.core.dkim.DkimPrivateKeyReader;

/**
 * A private key file of the key table. It is re-read when it changes on disk or, after a failure, at most once per
 * check interval: a key that is missing at start-up, or replaced while the server runs, needs no restart.
 */
public final class KeyFile {
    public enum Status { OK, MISSING, INVALID }

    private final Path path;
    private final Clock clock;
    private final Duration checkInterval;

    private DkimPrivateKey key;
    private Status status;
    private String problem;
    private Instant lastCheck;
    private FileTime loadedModified;

    public KeyFile(Path path, Clock clock, Duration checkInterval) {
        this.path = path;
        this.clock = clock;
        this.checkInterval = checkInterval;
        load();
    }

    public Path path() {
        return path;
    }

    /** The key if usable now; re-checks the file when the interval has passed. */
    public synchronized Optional<DkimPrivateKey> current() {
        if (Duration.between(lastCheck, clock.instant()).compareTo(checkInterval) >= 0) {
            refresh();
        }
        return Optional.ofNullable(key);
    }

    public synchronized Status status() {
        return status;
    }

    /** Why the key is not usable (null when it is). */
    public synchronized String problem() {
        return problem;
    }

    private void refresh() {
        lastCheck = clock.instant();
        try {
            if (status == Status.OK && Files.getLastModifiedTime(path).equals(loadedModified)) {
                return;
            }
        } catch (IOException e) {
            // the file went away: keep signing with the key already loaded, report on the next real reload
            return;
        }
        load();
    }

    private void load() {
        lastCheck = clock.instant();
        try {
            FileTime modified = Files.getLastModifiedTime(path);
            DkimPrivateKey loaded = DkimPrivateKeyReader.read(path);
            key = loaded;
            loadedModified = modified;
            status = Status.OK;
            problem = null;
        } catch (NoSuchFileException e) {
            fail(Status.MISSING, "key file " + path + " does not exist");
        } catch (IOException e) {
            fail(Status.MISSING, "key file " + path + " cannot be read: " + e);
        } catch (DkimKeyException e) {
            fail(Status.INVALID, "key file " + path + ": " + e.getMessage());
        }
    }

    private void fail(Status newStatus, String reason) {
        problem = reason;
        // a key that worked keeps signing when its replacement is broken: better the old signature than none
        if (key == null) {
            status = newStatus;
        }
    }
}
