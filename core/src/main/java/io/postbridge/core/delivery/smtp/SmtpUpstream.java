package io.postbridge.core.delivery.smtp;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * An account's own upstream SMTP server: provider {@code smtp} on {@code PUT /postbridge/accounts/{name}/provider},
 * settings {@code host}, {@code port} (default 587, 465 for tls), {@code security} ({@code starttls} default |
 * {@code tls} | {@code plaintext}, which also needs {@code allowPlaintext: "true"}), {@code username},
 * {@code fallback} ({@code when-unset} default | {@code on-temporary-failure} | {@code never}) and
 * {@code messagesPerMinute} (optional rate limit); secret {@code password} (sealed, never returned).
 * Without a host the account uses the server-wide route (unless its fallback is {@code never}).
 * <p>
 * {@code auth: xoauth2} (Google Workspace, Microsoft 365 SMTP with OAuth) instead of the default {@code password}:
 * settings {@code oauthServer} ({@code google} | {@code microsoft}, which also needs {@code tenantId} | the URL of
 * a token endpoint that takes the standard refresh-token grant), {@code clientId}, optional {@code scope}
 * (Microsoft only, default {@value XOAuth2#MICROSOFT_SMTP_SCOPE}), {@code username} (the mailbox); secrets
 * {@code clientSecret} and {@code refreshToken}, sealed like the password.
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
    public static final String AUTH = "auth";
    public static final String OAUTH_SERVER = "oauthServer";
    public static final String TENANT_ID = "tenantId";
    public static final String CLIENT_ID = "clientId";
    public static final String SCOPE = "scope";
    public static final String CLIENT_SECRET = "clientSecret";
    public static final String REFRESH_TOKEN = "refreshToken";
    public static final Set<String> SETTINGS = Set.of(HOST, PORT, SECURITY, ALLOW_PLAINTEXT, USERNAME, FALLBACK, MESSAGES_PER_MINUTE,
        AUTH, OAUTH_SERVER, TENANT_ID, CLIENT_ID, SCOPE);
    /** The secrets of provider smtp: {@code password} for password AUTH, the other two for XOAUTH2. */
    public static final Set<String> SECRETS = Set.of(PASSWORD, CLIENT_SECRET, REFRESH_TOKEN);
    private static final Set<String> OAUTH_SETTINGS = Set.of(OAUTH_SERVER, TENANT_ID, CLIENT_ID, SCOPE);

    /** The XOAUTH2 settings of an upstream, with its secrets once they are known. */
    public static final class XOAuth2 {
        public static final String GOOGLE = "google";
        public static final String MICROSOFT = "microsoft";
        public static final String MICROSOFT_SMTP_SCOPE = "https://outlook.office365.com/SMTP.Send";

        private final String server;
        private final Optional<String> tenant;
        private final String clientId;
        private final String scope;
        private final Optional<String> clientSecret;
        private final Optional<String> refreshToken;

        private XOAuth2(String server, Optional<String> tenant, String clientId, String scope, Optional<String> clientSecret,
                        Optional<String> refreshToken) {
            this.server = server;
            this.tenant = tenant;
            this.clientId = clientId;
            this.scope = scope;
            this.clientSecret = clientSecret;
            this.refreshToken = refreshToken;
        }

        /** {@code google}, {@code microsoft} or a token endpoint URL. */
        public String server() {
            return server;
        }

        public Optional<String> tenant() {
            return tenant;
        }

        public String clientId() {
            return clientId;
        }

        public String scope() {
            return scope;
        }

        String clientSecret() {
            return clientSecret.orElseThrow();
        }

        String refreshToken() {
            return refreshToken.orElseThrow();
        }

        @Override
        public String toString() {
            return "xoauth2 " + server + tenant.map(t -> " tenant " + t).orElse("") + " client " + clientId
                + (server.equals(MICROSOFT) ? " scope " + scope : "")
                + (clientSecret.isPresent() ? " clientSecret set" : "") + (refreshToken.isPresent() ? " refreshToken set" : "");
        }
    }

    private final Optional<String> host;
    private final int port;
    private final SmtpSecurity security;
    private final Optional<String> username;
    private final Optional<String> password;
    private final SmtpDeliveryAgent.Fallback fallback;
    private final Optional<Integer> messagesPerMinute;
    private final Optional<XOAuth2> xoauth2;
    /** Where XOAUTH2 tokens come from, and where a rotated refresh token goes; empty until {@link #withTokens}. */
    private final Optional<UpstreamTokenSources> tokens;
    private final Consumer<String> rotatedRefreshToken;

    private SmtpUpstream(Optional<String> host, int port, SmtpSecurity security, Optional<String> username, Optional<String> password,
                         SmtpDeliveryAgent.Fallback fallback, Optional<Integer> messagesPerMinute, Optional<XOAuth2> xoauth2,
                         Optional<UpstreamTokenSources> tokens, Consumer<String> rotatedRefreshToken) {
        this.xoauth2 = xoauth2;
        this.tokens = tokens;
        this.rotatedRefreshToken = rotatedRefreshToken;
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
        return parse(settings, name -> name.equals(PASSWORD) ? password : Optional.empty());
    }

    /**
     * Checks and reads the settings with the secrets {@code secrets} knows ({@link #SECRETS}; any may be absent while
     * the settings are checked before saving).
     *
     * @throws IllegalArgumentException naming the setting and what is wrong with it
     */
    public static SmtpUpstream parse(Map<String, String> settings, Function<String, Optional<String>> secrets) {
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
        Optional<XOAuth2> xoauth2 = xoauth2(settings, secrets);
        // each secret read is a store query and a decryption, on every delivery attempt: only those of this auth
        Optional<String> password = xoauth2.isPresent() ? Optional.empty() : secrets.apply(PASSWORD).filter(p -> !p.isEmpty());
        return new SmtpUpstream(host, port, security, username, password, fallback, rate, xoauth2, Optional.empty(), rt -> { });
    }

    private static Optional<XOAuth2> xoauth2(Map<String, String> settings, Function<String, Optional<String>> secrets) {
        String auth = value(settings, AUTH).orElse("password");
        if (auth.equalsIgnoreCase("password")) {
            OAUTH_SETTINGS.stream().filter(name -> value(settings, name).isPresent()).sorted().findFirst().ifPresent(name -> {
                throw new IllegalArgumentException("'settings." + name + "' applies only with '" + AUTH + "': \"xoauth2\"");
            });
            return Optional.empty();
        }
        if (!auth.equalsIgnoreCase("xoauth2")) {
            throw new IllegalArgumentException("'settings." + AUTH + "' must be password or xoauth2, was '" + auth + "'");
        }
        String server = value(settings, OAUTH_SERVER).orElseThrow(() -> new IllegalArgumentException("'settings." + OAUTH_SERVER
            + "' is required with xoauth2: google, microsoft (with tenantId) or the URL of a token endpoint"));
        if (!server.equalsIgnoreCase(XOAuth2.GOOGLE) && !server.equalsIgnoreCase(XOAuth2.MICROSOFT)) {
            try {
                java.net.URI uri = new java.net.URI(server);
                if (uri.getHost() == null || !(uri.getScheme().equalsIgnoreCase("https") || uri.getScheme().equalsIgnoreCase("http"))) {
                    throw new java.net.URISyntaxException(server, "not an http(s) URL with a host");
                }
            } catch (java.net.URISyntaxException e) {
                throw new IllegalArgumentException("'settings." + OAUTH_SERVER + "' must be google, microsoft or an http(s) URL of a token"
                    + " endpoint, was '" + server + "'");
            }
        } else {
            server = server.toLowerCase(java.util.Locale.ROOT);
        }
        boolean microsoft = server.equals(XOAuth2.MICROSOFT);
        Optional<String> tenant = value(settings, TENANT_ID);
        if (microsoft && tenant.isEmpty()) {
            throw new IllegalArgumentException("'settings." + TENANT_ID + "' is required with oauthServer microsoft (the directory"
                + " (tenant) id or domain, or organizations)");
        }
        if (!microsoft && tenant.isPresent()) {
            throw new IllegalArgumentException("'settings." + TENANT_ID + "' applies only with oauthServer microsoft");
        }
        if (tenant.isPresent() && !tenant.get().matches("[A-Za-z0-9.-]{1,253}")) {
            throw new IllegalArgumentException("'settings." + TENANT_ID + "' must be a tenant id or domain, was '" + tenant.get() + "'");
        }
        Optional<String> scope = value(settings, SCOPE);
        if (!microsoft && scope.isPresent()) {
            // the refresh-token grant keeps the consented scope (https://mail.google.com/ for Gmail SMTP)
            throw new IllegalArgumentException("'settings." + SCOPE + "' applies only with oauthServer microsoft; with Google the scope"
                + " is the one consented when the refresh token was issued");
        }
        String clientId = value(settings, CLIENT_ID).orElseThrow(() -> new IllegalArgumentException("'settings." + CLIENT_ID
            + "' is required with xoauth2"));
        if (value(settings, USERNAME).isEmpty()) {
            throw new IllegalArgumentException("'settings." + USERNAME + "' is required with xoauth2: the mailbox the token is for");
        }
        return Optional.of(new XOAuth2(server, tenant, clientId, scope.orElse(XOAuth2.MICROSOFT_SMTP_SCOPE),
            secrets.apply(CLIENT_SECRET).filter(v -> !v.isEmpty()), secrets.apply(REFRESH_TOKEN).filter(v -> !v.isEmpty())));
    }

    /**
     * These settings with the token sources their XOAUTH2 route gets tokens from; {@code rotatedRefreshToken} stores a
     * refresh token the token endpoint replaced (a test of unsaved settings passes one that stores nothing).
     */
    public SmtpUpstream withTokens(UpstreamTokenSources tokens, Consumer<String> rotatedRefreshToken) {
        return new SmtpUpstream(host, port, security, username, password, fallback, messagesPerMinute, xoauth2, Optional.of(tokens),
            java.util.Objects.requireNonNull(rotatedRefreshToken));
    }

    /** The XOAUTH2 settings; empty for password AUTH. */
    public Optional<XOAuth2> xoauth2() {
        return xoauth2;
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
        if (xoauth2.isPresent()) {
            XOAuth2 oauth = xoauth2.get();
            if (oauth.clientSecret.isEmpty() || oauth.refreshToken.isEmpty()) {
                throw new IllegalStateException("account '" + account + "' has smtp auth xoauth2 but no "
                    + (oauth.clientSecret.isEmpty() ? "secrets." + CLIENT_SECRET : "secrets." + REFRESH_TOKEN));
            }
            UpstreamTokenSources sources = tokens.orElseThrow(() -> new IllegalStateException("XOAUTH2 upstreams need the server's"
                + " token sources (SmtpUpstream.withTokens)"));
            return Optional.of(SmtpRoute.upstreamOAuth(account, host.get(), port, security, username.orElseThrow(),
                sources.oauth(account, oauth, username.get(), rotatedRefreshToken)));
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
            + " fallback " + fallback.wireName() + (password.isPresent() ? " password set" : "") + xoauth2.map(o -> " " + o).orElse("");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SmtpUpstream && toString().equals(o.toString()) && Objects.equals(password, ((SmtpUpstream) o).password)
            && xoauth2.map(x -> x.clientSecret + "|" + x.refreshToken).equals(((SmtpUpstream) o).xoauth2.map(x -> x.clientSecret + "|" + x.refreshToken));
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }
}
