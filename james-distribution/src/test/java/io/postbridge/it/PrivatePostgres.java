package io.postbridge.it;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assertions;

/**
 * A PostgreSQL server of the test's own (initdb + pg_ctl in a temporary folder, on a free loopback port), so a test
 * can stop and start it without touching the PostgreSQL other tests on this machine share. Needs the server binaries
 * under {@code /usr/lib/postgresql/<version>/bin}; without them {@link #startIfInstalled()} is empty, unless
 * {@code -Dpostbridge.test.requirePostgres=true} makes that a failure. As root, the server runs as user postgres
 * (PostgreSQL refuses to run as root).
 */
public final class PrivatePostgres implements AutoCloseable {
    private static final boolean REQUIRED = Boolean.getBoolean("postbridge.test.requirePostgres");

    private final Path bin;
    private final Path dir;
    private final int port;
    private final boolean asPostgresUser;

    private PrivatePostgres(Path bin, Path dir, int port, boolean asPostgresUser) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
        this.asPostgresUser = asPostgresUser;
    }

    /** Creates and starts a fresh cluster, or empty when PostgreSQL is not installed (and not required). */
    public static Optional<PrivatePostgres> startIfInstalled() {
        Optional<Path> bin = binaries();
        if (bin.isEmpty()) {
            if (REQUIRED) {
                Assertions.fail("no PostgreSQL server binaries under /usr/lib/postgresql/*/bin (required by -Dpostbridge.test.requirePostgres)");
            }
            return Optional.empty();
        }
        try {
            boolean root = "root".equals(System.getProperty("user.name"));
            Path dir = Files.createTempDirectory("postbridge-pg-");
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            PrivatePostgres postgres = new PrivatePostgres(bin.get(), dir, port, root);
            if (root) {
                run(List.of("chown", "postgres", dir.toString()));
            }
            postgres.pg(List.of(bin.get().resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", "postgres",
                "--auth=trust", "-E", "UTF8", "--no-sync"));
            postgres.start();
            return Optional.of(postgres);
        } catch (IOException | InterruptedException e) {
            if (REQUIRED) {
                Assertions.fail("cannot start a private PostgreSQL: " + e.getMessage());
            }
            return Optional.empty();
        }
    }

    private static Optional<Path> binaries() {
        File[] versions = new File("/usr/lib/postgresql").listFiles();
        if (versions == null) {
            return Optional.empty();
        }
        return Arrays.stream(versions).map(v -> v.toPath().resolve("bin"))
            .filter(b -> Files.isExecutable(b.resolve("pg_ctl")) && Files.isExecutable(b.resolve("initdb")))
            .max(Comparator.naturalOrder());
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    public String user() {
        return "postgres";
    }

    public void start() throws IOException, InterruptedException {
        pg(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-l", dir.resolve("server.log").toString(),
            "-w", "-t", "60", "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off", "start"));
    }

    /** Fast shutdown: open connections are closed, as when an operator stops the database. */
    public void stop() throws IOException, InterruptedException {
        pg(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-w", "-t", "60", "-m", "fast", "stop"));
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (IOException | InterruptedException | AssertionError e) {
            // already stopped
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a leftover folder in /tmp is harmless
        }
    }

    private void pg(List<String> command) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (asPostgresUser) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        run(full);
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + new String(output));
        }
    }
}
