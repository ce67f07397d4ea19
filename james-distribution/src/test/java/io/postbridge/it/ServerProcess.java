package io.postbridge.it;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The assembled Postbridge server (or stock James) running as a separate operating-system process, the way
 * an operator runs it. Output goes to {@code console.log} in the server's directory.
 */
public final class ServerProcess implements AutoCloseable {
    public static final String READY = "Postbridge: ready";
    public static final String JAMES_STARTED = "JAMES server started";

    private final Path home;
    private final List<String> command;
    private final String consoleLog;
    private Process process;
    /** Byte offset in the console log where the most recent start began (the log of a long run is large). */
    private long logOffsetAtStart;
    private String javaOpts = "-Xmx512m";

    private ServerProcess(Path home, List<String> command) {
        this(home, command, "console.log");
    }

    private ServerProcess(Path home, List<String> command, String consoleLog) {
        this.home = home;
        this.command = command;
        this.consoleLog = consoleLog;
    }

    /** Another Postbridge server started from this one's directory (same conf/ and var/), logging to its own file. */
    public ServerProcess secondOnSameDirectory(String consoleLog) {
        return new ServerProcess(home, command, consoleLog);
    }

    /** The assembled server ({@code james-distribution/target/postbridge-server/postbridge}). */
    public static Path assembledServer() {
        return Path.of(System.getProperty("postbridge.server.home",
            "target/postbridge-server/postbridge")).toAbsolutePath();
    }

    /** A fresh copy of the assembled server in {@code target}, started with its own {@code bin/postbridge}. */
    public static ServerProcess postbridge(Path target) {
        copyTree(assembledServer(), target);
        return new ServerProcess(target, List.of(target.resolve("bin/postbridge").toString()));
    }

    /**
     * Stock James: {@code org.apache.james.MemoryJamesServerMain} from James's own jars only, with the given
     * folder as its working directory (its conf/ and extensions-jars/ prepared by the caller).
     */
    public static ServerProcess stockJames(Path workingDirectory) {
        String classpath;
        try (Stream<Path> jars = Files.list(assembledServer().resolve("lib"))) {
            classpath = jars.filter(jar -> !jar.getFileName().toString().startsWith("postbridge-"))
                .map(Path::toString).sorted().collect(Collectors.joining(File.pathSeparator));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ServerProcess(workingDirectory, List.of(javaBinary(), "-Xmx512m",
            "-Dworking.directory=" + workingDirectory,
            "-Dlogback.configurationFile=" + workingDirectory.resolve("conf/logback.xml"),
            "-cp", classpath, "org.apache.james.MemoryJamesServerMain", "--generate-keystore"));
    }

    /** JVM options for the next starts (default {@code -Xmx512m}). */
    public ServerProcess javaOpts(String options) {
        this.javaOpts = options;
        return this;
    }

    /** The operating-system process id of the running server's JVM ({@code bin/postbridge} execs java). */
    public long pid() {
        return process.pid();
    }

    public Path home() {
        return home;
    }

    public ConfFolder conf() {
        return ConfFolder.at(home.resolve("conf"));
    }

    public ServerProcess start() throws IOException {
        Files.createDirectories(home.resolve("var/log"));
        Path log = home.resolve(consoleLog);
        logOffsetAtStart = Files.exists(log) ? Files.size(log) : 0;
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve(consoleLog).toFile()));
        builder.environment().put("JAVA_OPTS", javaOpts);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        process = builder.start();
        return this;
    }

    /**
     * Waits for James's "started" line in {@code var/log/james.log}: with Postbridge's logback.xml James's INFO lines
     * go to that file only, not to the console (a stock James run from a copy of Postbridge's conf/).
     */
    public ServerProcess awaitJamesStarted() {
        Path jamesLog = home.resolve("var/log/james.log");
        try {
            Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).until(() -> {
                if (!process.isAlive()) {
                    throw new AssertionError("server exited with " + process.exitValue() + " before it started:\n" + tail());
                }
                return Files.exists(jamesLog) && Files.readString(jamesLog, StandardCharsets.UTF_8).contains(JAMES_STARTED);
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("James did not log '" + JAMES_STARTED + "' within 120 s:\n" + tail(), e);
        }
        return this;
    }

    /** Waits until the log, since the last start, contains {@code marker}; fails early if the process died. */
    public ServerProcess awaitLog(String marker) {
        // -Dit.serverStartSeconds=300 for benchmarks on a loaded machine
        return awaitLog(marker, Duration.ofSeconds(Integer.getInteger("it.serverStartSeconds", 120)));
    }

    /** {@link #awaitLog(String)} with a longer wait, for a start on a machine that many builds share. */
    public ServerProcess awaitLog(String marker, Duration atMost) {
        try {
            Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(250)).until(() -> {
                if (!process.isAlive()) {
                    throw new AssertionError("server exited with " + process.exitValue() + " before '" + marker + "':\n" + tail());
                }
                return logSinceLastStart().contains(marker);
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("server did not log '" + marker + "' within " + atMost.toSeconds() + " s:\n" + tail(), e);
        }
        return this;
    }

    /** Waits for the process to end and returns its exit code. */
    public int awaitExit(Duration atMost) throws InterruptedException {
        if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("server did not exit within " + atMost + ":\n" + tail());
        }
        return process.exitValue();
    }

    /** SIGTERM: James runs its shutdown hook. */
    public int stop() throws InterruptedException {
        process.destroy();
        return awaitExit(Duration.ofSeconds(60));
    }

    /** SIGKILL: no shutdown hook, no flush — what a crash or an OOM killer does. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    public String log() {
        try {
            Path log = home.resolve(consoleLog);
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Output of the most recent start only. */
    public String logSinceLastStart() {
        return logFrom(logOffsetAtStart);
    }

    public String tail() {
        Path log = home.resolve(consoleLog);
        try {
            return logFrom(Files.exists(log) ? Math.max(0, Files.size(log) - 6000) : 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The console log from a byte offset on, without reading what comes before (awaitLog polls this). */
    private String logFrom(long offset) {
        Path log = home.resolve(consoleLog);
        if (!Files.exists(log)) {
            return "";
        }
        try (java.io.RandomAccessFile in = new java.io.RandomAccessFile(log.toFile(), "r")) {
            long start = Math.min(offset, in.length());
            byte[] bytes = new byte[(int) (in.length() - start)];
            in.seek(start);
            in.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (isAlive()) {
            kill9();
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static void copyTree(Path source, Path target) {
        try {
            Files.walkFileTree(source, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    Files.createDirectories(target.resolve(source.relativize(dir).toString()));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.copy(file, target.resolve(source.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
