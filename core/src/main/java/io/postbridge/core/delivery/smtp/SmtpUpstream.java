package io.postbridge.core.delivery.smtp;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * An account's own upstream SMTP server: provider {@code smtp} on {@code PUT /postbridge/accounts/{name}/provider},
 * settings {@code host}, {@code port} (default 587, 465 for tls), {@code security} ({@code starttls} default |
 * {@code tls} | {@code plaintext}, which also needs {@code allowPlaintext: "true"}), {@code username},
 * {@code fallback} ({@code when-unset} default | {@code on-temporary-failure} | {@code never}) and
 * {@code messagesPerMinute} (optional rate limit); secret {@code password} (sealed, never returned).
 * Without a host the account uses the server-wide route (unless its fallback is {@code never}).
 */
public final class SmtpUpstream {
    public static final String HOST = "host";
    public static final String PORT = "port";
    public static final String SECURITY = "security";
    public static final String ALLOW_PLAINTEXT = "allowPlaintext";
    public static final String USERNAME = "username";
    public static final String FALLBACK = "fallback";
    public static final String MESSAGES_PER_MINUTE = "messagesPerMinute";
    public static final String PASSWORD = "password";
    public static final Set<String> SETTINGS = Set.of(HOST, PORT, SECURITY, ALLOW_PLAINTEXT, USERNAME, FALLBACK, MESSAGES_PER_MINUTE);

    private final Optional<String> host;
    private final int port;
    private final SmtpSecurity security;
    private final Optional<String> username;
    private final Optional<String> password;
    private final SmtpDeliveryAgent.Fallback fallback;
    private final Optional<Integer> messagesPerMinute;

    private SmtpUpstream(Optional<String> host, int port, SmtpSecurity security, Optional<String> username, Optional<String> password,
                         SmtpDeliveryAgent.Fallback fallback, Optional<Integer> messagesPerMinute) {
        this.host = host;
        this.port = port;
        this.security = security;
        this.username = username;
        this.password = password;
        this.fallback = fallback;
        this.messagesPerMinute = messagesPerMinute;
    }

    /**
     * Checks and reads the settings (the password may be absent while the settings are checked before saving).
     *
     * @throws IllegalArgumentException naming the setting and what is wrong with it
     */
    public static SmtpUpstream parse(Map<String, String> settings, Optional<String> password) {
        Set<String> unknown = new TreeSet<>(settings.keySet());
        unknown.removeAll(SETTINGS);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown smtp setting '" + unknown.iterator().next() + "'; known: "
                + String.join(", ", new TreeSet<>(SETTINGS)) + " (the password goes under 'secrets')");
        }
        Optional<String> host = value(settings, HOST);
        if (host.isPresent() && !host.get().matches("[A-Za-z0-9.:\\[\\]-]{1,253}")) {
            throw new IllegalArgumentException("'settings." + HOST + "' must be a host name or address, was '" + host.get() + "'");
        }
        SmtpSecurity security = value(settings, SECURITY).map(s -> SmtpSecurity.fromWireName(s)
            .filter(v -> v != SmtpSecurity.OPPORTUNISTIC)
            .orElseThrow(() -> new IllegalArgumentException("'settings." + SECURITY + "' must be starttls, tls or plaintext, was '"
                + s + "'"))).orElse(SmtpSecurity.STARTTLS);
        if (security == SmtpSecurity.PLAINTEXT && !value(settings, ALLOW_PLAINTEXT).map("true"::equalsIgnoreCase).orElse(false)) {
            throw new IllegalArgumentException("'settings." + SECURITY + "' plaintext sends mail and password unencrypted: also set '"
                + ALLOW_PLAINTEXT + "' to \"true\" to allow it");
        }
        int port = security == SmtpSecurity.TLS ? 465 : 587;
        Optional<String> rawPort = value(settings, PORT);
        if (rawPort.isPresent()) {
            port = number(rawPort.get(), PORT, 1, 65535);
        }
        SmtpDeliveryAgent.Fallback fallback = value(settings, FALLBACK).map(f -> SmtpDeliveryAgent.Fallback.fromWireName(f)
            .orElseThrow(() -> new IllegalArgumentException("'settings." + FALLBACK + "' must be when-unset, on-temporary-failure or never,"
                + " was '" + f + "'"))).orElse(SmtpDeliveryAgent.Fallback.WHEN_UNSET);
        Optional<Integer> rate = value(settings, MESSAGES_PER_MINUTE).map(r -> number(r, MESSAGES_PER_MINUTE, 1, 1_000_000));
        Optional<String> username = value(settings, USERNAME);
        return new SmtpUpstream(host, port, security, username, password.filter(p -> !p.isEmpty()), fallback, rate);
    }

    private static Optional<String> value(Map<String, String> settings, String name) {
        return Optional.ofNullable(settings.get(name)).map(String::trim).filter(v -> !v.isEmpty());
    }

    private static int number(String raw, String name, int min, int max) {
        try {
            int value = Integer.parseInt(raw.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("'settings." + name + "' must be a whole number from " + min + " to " + max + ", was '" + raw + "'");
    }

    /** The route for {@code account}'s mail; empty without a host. */
    public Optional<SmtpRoute> route(String account) {
        if (host.isEmpty()) {
            return Optional.empty();
        }
        if (username.isPresent() && password.isEmpty()) {
            throw new IllegalStateException("account '" + account + "' has an smtp username but no password (secrets.password)");
        }
        return Optional.of(SmtpRoute.upstream(account, host.get(), port, security, username,
            username.isPresent() ? password : Optional.empty()));
    }

    public Optional<String> host() {
        return host;
    }

    public SmtpDeliveryAgent.Fallback fallback() {
        return fallback;
    }

    public Optional<Integer> messagesPerMinute() {
        return messagesPerMinute;
    }

    @Override
    public String toString() {
        return "smtp " + host.orElse("(server-wide route)") + ":" + port + " " + security.wireName() + username.map(u -> " as " + u).orElse("")
            + " fallback " + fallback.wireName() + (password.isPresent() ? " password set" : "");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SmtpUpstream && toString().equals(o.toString()) && Objects.equals(password, ((SmtpUpstream) o).password);
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }
}
