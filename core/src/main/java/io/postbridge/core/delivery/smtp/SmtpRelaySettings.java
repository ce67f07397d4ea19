package io.postbridge.core.delivery.smtp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.postbridge.core.config.SettingsReader;

/**
 * The server-wide default relay of {@code postbridge.properties} ({@code smtp.relay.*}): where the mail of accounts
 * without their own upstream goes (and of accounts whose fallback policy allows it), instead of direct MX delivery.
 * TLS is required ({@code starttls} or {@code tls}, certificate checked) unless plaintext is explicitly allowed.
 *
 * <p>The password is never written in the file itself: it comes from a file readable by its owner only
 * ({@code smtp.relay.passwordFile}, checked at start), or from the environment ({@code smtp.relay.password} set to
 * {@code ${env:NAME}}).
 */
public final class SmtpRelaySettings {
    public static final String HOST = "smtp.relay.host";
    public static final String PORT = "smtp.relay.port";
    public static final String SECURITY = "smtp.relay.security";
    public static final String ALLOW_PLAINTEXT = "smtp.relay.allowPlaintext";
    public static final String USERNAME = "smtp.relay.username";
    public static final String PASSWORD = "smtp.relay.password";
    public static final String PASSWORD_FILE = "smtp.relay.passwordFile";
    public static final List<String> KEYS = List.of(HOST, PORT, SECURITY, ALLOW_PLAINTEXT, USERNAME, PASSWORD, PASSWORD_FILE);

    private final List<SmtpRoute> routes;

    private SmtpRelaySettings(List<SmtpRoute> routes) {
        this.routes = List.copyOf(routes);
    }

    public static SmtpRelaySettings none() {
        return new SmtpRelaySettings(List.of());
    }

    /**
     * Reads and checks the {@code smtp.relay.*} keys, and the password file.
     *
     * @throws io.postbridge.core.config.SettingProblem.Invalid naming the key
     */
    public static SmtpRelaySettings read(SettingsReader reader, Path workingDirectory) {
        Optional<String> hosts = reader.string(HOST);
        if (hosts.isEmpty()) {
            for (String key : List.of(PORT, SECURITY, USERNAME, PASSWORD, PASSWORD_FILE)) {
                if (reader.string(key).isPresent()) {
                    throw reader.problem(key, "is set but " + HOST + " is not: set the relay's host too, or remove it");
                }
            }
            return none();
        }
        SmtpSecurity security = reader.choice(SECURITY, name -> SmtpSecurity.fromWireName(name)
            .filter(s -> s != SmtpSecurity.OPPORTUNISTIC), "starttls, tls, plaintext").orElse(SmtpSecurity.STARTTLS);
        if (security == SmtpSecurity.PLAINTEXT && !reader.bool(ALLOW_PLAINTEXT, false)) {
            throw reader.problem(SECURITY, "plaintext sends the mail (and any password) unencrypted; also set " + ALLOW_PLAINTEXT
                + "=true to allow it (a relay on loopback, tests)");
        }
        int defaultPort = reader.integer(PORT, security == SmtpSecurity.TLS ? 465 : 587, 1, 65535);
        Optional<String> username = reader.string(USERNAME);
        Optional<String> password = password(reader, workingDirectory);
        if (username.isPresent() && password.isEmpty()) {
            throw reader.problem(USERNAME, "needs a password: " + PASSWORD_FILE + " (a file readable by the server's user only) or "
                + PASSWORD + "=${env:NAME}");
        }
        if (username.isEmpty() && password.isPresent()) {
            throw reader.problem(reader.string(PASSWORD_FILE).isPresent() ? PASSWORD_FILE : PASSWORD, "needs " + USERNAME);
        }
        List<SmtpRoute> routes = new ArrayList<>();
        for (String entry : hosts.get().split(",")) {
            String hostAndPort = entry.trim();
            if (hostAndPort.isEmpty()) {
                continue;
            }
            int colon = hostAndPort.lastIndexOf(':');
            String host = colon < 0 ? hostAndPort : hostAndPort.substring(0, colon);
            int port = defaultPort;
            if (colon >= 0) {
                try {
                    port = Integer.parseInt(hostAndPort.substring(colon + 1));
                } catch (NumberFormatException e) {
                    port = -1;
                }
            }
            if (!host.matches("[A-Za-z0-9.\\[\\]:-]{1,253}") || port < 1 || port > 65535) {
                throw reader.problem(HOST, "expected host or host:port (port 1-65535), several separated by commas, was '"
                    + hostAndPort + "'");
            }
            routes.add(SmtpRoute.smarthost(host, port, security, username, password));
        }
        return new SmtpRelaySettings(routes);
    }

    private static Optional<String> password(SettingsReader reader, Path workingDirectory) {
        Optional<String> inline = reader.string(PASSWORD);
        Optional<Path> file = reader.string(PASSWORD_FILE).map(workingDirectory::resolve);
        if (inline.isPresent() && file.isPresent()) {
            throw reader.problem(PASSWORD, "set either " + PASSWORD + " or " + PASSWORD_FILE + ", not both");
        }
        if (file.isEmpty()) {
            return inline;
        }
        Path path = file.get();
        try {
            try {
                Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
                if (permissions.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
                    throw reader.problem(PASSWORD_FILE, path + " may be read by other users; make it readable by the server's user"
                        + " only: chmod 600 " + path);
                }
            } catch (UnsupportedOperationException notPosix) {
                // Windows: the directory's ACLs apply
            }
            String content = new String(Files.readAllBytes(path), StandardCharsets.UTF_8);
            String password = content.endsWith("\r\n") ? content.substring(0, content.length() - 2)
                : content.endsWith("\n") ? content.substring(0, content.length() - 1) : content;
            if (password.isEmpty()) {
                throw reader.problem(PASSWORD_FILE, path + " is empty");
            }
            return Optional.of(password);
        } catch (IOException e) {
            throw reader.problem(PASSWORD_FILE, "cannot read " + path + ": " + e.getClass().getSimpleName() + " " + e.getMessage());
        }
    }

    /** The relays, tried in order; empty: no server-wide relay configured here. */
    public List<SmtpRoute> routes() {
        return routes;
    }

    public boolean configured() {
        return !routes.isEmpty();
    }

    @Override
    public String toString() {
        return routes.isEmpty() ? "no relay" : routes.toString(); // describe(): never the password
    }
}
