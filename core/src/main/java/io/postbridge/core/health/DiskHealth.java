package io.postbridge.core.health;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code Postbridge:disk}: the file system holding {@code var/} (mail queue, mailboxes, embedded store, logs) has
 * free space. Degraded below the minimum ({@code health.disk.minFreeMb}), unhealthy below a tenth of it: the spool
 * can no longer take mail, so SMTP answers 4xx and nothing is accepted.
 */
public final class DiskHealth {
    /** Free and total bytes of a file system (a seam for tests). */
    public interface Space {
        long usable() throws IOException;

        long total() throws IOException;
    }

    private final Path var;
    private final Space space;
    private final long minFree;

    public DiskHealth(Path var, Space space, long minFree) {
        this.var = var;
        this.space = space;
        this.minFree = minFree;
    }

    /** The real file system of {@code var}. */
    public static DiskHealth of(Path var, long minFree) {
        return new DiskHealth(var, new Space() {
            @Override
            public long usable() throws IOException {
                return store(var).getUsableSpace();
            }

            @Override
            public long total() throws IOException {
                return store(var).getTotalSpace();
            }
        }, minFree);
    }

    private static FileStore store(Path var) throws IOException {
        Path existing = var;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        return Files.getFileStore(existing == null ? var.toAbsolutePath().getRoot() : existing);
    }

    public HealthReport check() {
        long usable;
        long total;
        try {
            usable = space.usable();
            total = space.total();
        } catch (IOException e) {
            return HealthReport.unhealthy("cannot read the free space of " + var + ": " + e.getMessage());
        }
        String cause = megabytes(usable) + " MB free of " + megabytes(total) + " MB under " + var + " (minimum " + megabytes(minFree)
            + " MB, health.disk.minFreeMb): free space (old logs in var/log, mail repositories in var/mail) or grow the disk";
        if (usable < minFree / 10) {
            return HealthReport.unhealthy(cause);
        }
        if (usable < minFree) {
            return HealthReport.degraded(cause);
        }
        return HealthReport.healthy();
    }

    private static long megabytes(long bytes) {
        return bytes / (1024 * 1024);
    }
}
