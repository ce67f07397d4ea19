package io.postbridge.server.startup;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * Checks, before James starts, the settings whose failure James reports only as a stack trace: listener ports
 * already in use and TLS key files that do not exist. Each problem is one line naming the file and the setting.
 */
public final class StartupPreflight {
    private final Path workingDirectory;
    private final Path confDirectory;
    private final boolean keystoreGeneratedWhenMissing;

    public StartupPreflight(Path workingDirectory, Path confDirectory, boolean keystoreGeneratedWhenMissing) {
        this.workingDirectory = workingDirectory;
        this.confDirectory = confDirectory;
        this.keystoreGeneratedWhenMissing = keystoreGeneratedWhenMissing;
    }

    public List<String> problems() throws IOException {
        List<String> problems = new ArrayList<>();
        for (SmtpListener listener : SmtpServerXml.read(confDirectory.resolve(SmtpServerXml.FILE))) {
            if (listener.isEnabled()) {
                checkSmtpListener(listener, problems);
            }
        }
        checkWebAdmin(problems);
        return problems;
    }

    private void checkSmtpListener(SmtpListener listener, List<String> problems) {
        String server = "smtpserver '" + listener.getName() + "' ";
        for (String bind : listener.getBinds()) {
            portProblem(bind).ifPresent(problem ->
                problems.add(describe(SmtpServerXml.FILE, server + "<bind>", problem)));
        }
        if (!listener.usesTls()) {
            return;
        }
        listener.getPrivateKey().ifPresent(key -> missingFile(key).ifPresent(problem ->
            problems.add(describe(SmtpServerXml.FILE, server + "<tls><privateKey>", problem))));
        listener.getCertificates().ifPresent(certs -> missingFile(certs).ifPresent(problem ->
            problems.add(describe(SmtpServerXml.FILE, server + "<tls><certificates>", problem))));
        if (listener.getPrivateKey().isEmpty() && !keystoreGeneratedWhenMissing) {
            listener.getKeystore().ifPresent(keystore -> missingFile(keystore).ifPresent(problem ->
                problems.add(describe(SmtpServerXml.FILE, server + "<tls><keystore>", problem))));
        }
    }

    private void checkWebAdmin(List<String> problems) throws IOException {
        Path file = confDirectory.resolve("webadmin.properties");
        if (!Files.exists(file)) {
            return;
        }
        Properties properties = new Properties();
        try (InputStream in = new FileInputStream(file.toFile())) {
            properties.load(in);
        }
        if (!"true".equalsIgnoreCase(properties.getProperty("enabled", "false").trim())) {
            return;
        }
        String host = properties.getProperty("host", "localhost").trim();
        String port = properties.getProperty("port", "8000").trim();
        portProblem(host + ":" + port).ifPresent(problem ->
            problems.add(describe("webadmin.properties", "port", problem)));
    }

    private static String describe(String file, String setting, String problem) {
        return file + ": setting " + setting + ": " + problem;
    }

    /** Empty when the address can be bound (or is port 0, "any free port"). */
    static Optional<String> portProblem(String bind) {
        int colon = bind.lastIndexOf(':');
        if (colon < 0) {
            return Optional.of("'" + bind + "' is not host:port");
        }
        String host = bind.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(bind.substring(colon + 1).trim());
        } catch (NumberFormatException e) {
            return Optional.of("'" + bind + "' has no numeric port");
        }
        if (port == 0) {
            return Optional.empty();
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(host, port));
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of(host + ":" + port + " cannot be used (" + e.getMessage() + "); is another server running on it?");
        }
    }

    private Optional<String> missingFile(String location) {
        return resolve(location)
            .filter(path -> !Files.isReadable(path))
            .map(path -> "file " + path + " does not exist or is not readable");
    }

    /** James's FileSystem conventions: file://relative (to the working directory), file:///absolute, plain paths. */
    Optional<Path> resolve(String location) {
        if (location.startsWith("classpath:")) {
            return Optional.empty();
        }
        String path = location.startsWith("file://") ? location.substring("file://".length()) : location;
        Path candidate = Path.of(path);
        return Optional.of(candidate.isAbsolute() ? candidate : workingDirectory.resolve(candidate));
    }
}
