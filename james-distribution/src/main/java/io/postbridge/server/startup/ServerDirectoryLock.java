package io.postbridge.server.startup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * One server per {@code var/}: an operating-system lock on {@code var/server.lock}, held for the life of the process.
 * The operating system releases it when the process ends, even on {@code kill -9}, so a crash never leaves a stale
 * lock to remove by hand. Without it, a second server would block on the queue's KahaDB lock or die with Derby's and
 * H2's own "already in use" stack traces.
 */
public final class ServerDirectoryLock {
    public static final String FILE = "server.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private ServerDirectoryLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * @return the lock, or empty when another process holds it
     */
    public static Optional<ServerDirectoryLock> tryAcquire(Path varDirectory) throws IOException {
        Files.createDirectories(varDirectory);
        Path file = varDirectory.resolve(FILE);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            return Optional.empty();
        }
        // who owns it, for the message the next server prints (advisory: the lock is what counts)
        channel.truncate(0);
        channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
        channel.force(false);
        return Optional.of(new ServerDirectoryLock(channel, lock));
    }

    /** The one line for an operator when {@link #tryAcquire} found the directory taken. */
    public static String ownedByAnotherServer(Path varDirectory) {
        String owner;
        try {
            String pid = Files.readString(varDirectory.resolve(FILE), StandardCharsets.US_ASCII).trim();
            owner = pid.isEmpty() ? "another Postbridge server" : "another Postbridge server (pid " + pid + ")";
        } catch (IOException e) {
            owner = "another Postbridge server";
        }
        return owner + " is running on " + varDirectory + " (it holds " + FILE + "): stop it first, "
            + "or give this server its own directory";
    }

    public void release() throws IOException {
        lock.release();
        channel.close();
    }
}
