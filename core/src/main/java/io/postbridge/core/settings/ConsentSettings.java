package io.postbridge.core.settings;

import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import io.postbridge.core.config.ListenerSettings;
import io.postbridge.core.config.SettingsReader;
import io.postbridge.core.consent.ConsentProvider;
import io.postbridge.core.consent.OAuthClient;

/**
 * The {@code consent.*} keys of {@code postbridge.properties}: the public web listener where users connect their
 * mailbox, who may connect, and the operator's OAuth clients at Google and Microsoft.
 */
public final class ConsentSettings {
    public static final String PREFIX = "consent.";
    public static final String ENABLED = "consent.enabled";
    public static final String HOST = "consent.web.host";
    public static final String PORT = "consent.web.port";
    public static final String TLS = "consent.web.tls";
    public static final String KEYSTORE = "consent.web.keystore";
    public static final String KEYSTORE_PASSWORD = "consent.web.keystorePassword";
    public static final String EXTERNAL_URL = "consent.web.externalUrl";
    public static final String SMTP_HOST = "consent.smtp.host";
    public static final String SMTP_PORT = "consent.smtp.port";
    public static final String SMTP_SECURITY = "consent.smtp.security";
    public static final String MODE = "consent.mode";
    public static final String ALLOWED_DOMAINS = "consent.allowedDomains";
    public static final String STATE_LIFETIME = "consent.stateLifetime";
    public static final String INVITATION_LIFETIME = "consent.invitationLifetime";
    public static final String PIN_IDENTITY = "consent.pinIdentity";
    public static final String GOOGLE_CLIENT_ID = "consent.google.clientId";
    public static final String GOOGLE_CLIENT_SECRET = "consent.google.clientSecret";
    public static final String GOOGLE_AUTHORIZE = "consent.google.authorizeEndpoint";
    public static final String GOOGLE_TOKEN = "consent.google.tokenEndpoint";
    public static final String GOOGLE_USERINFO = "consent.google.userinfoEndpoint";
    public static final String GOOGLE_REVOKE = "consent.google.revokeEndpoint";
    public static final String MICROSOFT_CLIENT_ID = "consent.microsoft.clientId";
    public static final String MICROSOFT_CLIENT_SECRET = "consent.microsoft.clientSecret";
    public static final String MICROSOFT_TENANT = "consent.microsoft.tenant";
    public static final String MICROSOFT_AUTHORIZE = "consent.microsoft.authorizeEndpoint";
    public static final String MICROSOFT_TOKEN = "consent.microsoft.tokenEndpoint";
    public static final String MICROSOFT_ME = "consent.microsoft.meEndpoint";

    static final Set<String> KNOWN = Set.of(ENABLED, HOST, PORT, TLS, KEYSTORE, KEYSTORE_PASSWORD, EXTERNAL_URL, SMTP_HOST,
        SMTP_PORT, SMTP_SECURITY, MODE, ALLOWED_DOMAINS, STATE_LIFETIME, INVITATION_LIFETIME, PIN_IDENTITY, GOOGLE_CLIENT_ID,
        GOOGLE_CLIENT_SECRET, GOOGLE_AUTHORIZE, GOOGLE_TOKEN, GOOGLE_USERINFO, GOOGLE_REVOKE, MICROSOFT_CLIENT_ID,
        MICROSOFT_CLIENT_SECRET, MICROSOFT_TENANT, MICROSOFT_AUTHORIZE, MICROSOFT_TOKEN, MICROSOFT_ME);

    /** Open: anyone whose mailbox is in an allowed domain; invitation: only with a link WebAdmin issued. */
    public enum Mode { OPEN, INVITATION }

    private final ListenerSettings web;
    private final URI externalUrl;
    private final String smtpHost;
    private final int smtpPort;
    private final String smtpSecurity;
    private final Mode mode;
    private final Set<String> allowedDomains;
    private final Duration stateLifetime;
    private final Duration invitationLifetime;
    private final boolean pinIdentity;
    private final Map<ConsentProvider, OAuthClient> clients = new LinkedHashMap<>();
    private final Map<ConsentProvider, OAuthClient> endpoints = new LinkedHashMap<>();

    ConsentSettings(SettingsReader reader) {
        boolean enabled = reader.bool(ENABLED, false);
        int port = reader.integer(PORT, 8443, 1, 65535);
        boolean tls = reader.bool(TLS, true);
        this.web = new ListenerSettings(enabled, reader.string(HOST, "0.0.0.0"), port, tls, reader.string(KEYSTORE),
            reader.string(KEYSTORE_PASSWORD), "PKCS12");
        Optional<URI> external = reader.uri(EXTERNAL_URL, Set.of("https", "http")).map(uri -> URI.create(uri.toString().replaceAll("/+$", "")));
        if (enabled && external.isEmpty()) {
            throw reader.problem(EXTERNAL_URL, "is required with consent.enabled=true: the address users' browsers reach the "
                + "listener at, e.g. https://mail.example.com:8443 (the redirect URIs registered at Google and Microsoft are "
                + "this plus /connect/google/callback and /connect/microsoft/callback)");
        }
        this.externalUrl = external.orElse(URI.create("https://localhost:" + port));
        if (external.isPresent() && external.get().getPath() != null && !external.get().getPath().isEmpty()) {
            throw reader.problem(EXTERNAL_URL, "must be scheme://host[:port] without a path or query, was '" + external.get() + "'");
        }
        if (enabled && !tls && !"https".equals(externalUrl.getScheme()) && !isLoopback(externalUrl.getHost())) {
            throw reader.problem(EXTERNAL_URL, "must be an https:// URL when consent.web.tls=false (a TLS proxy in front): "
                + "API keys and OAuth codes must not cross the network in clear, was '" + externalUrl + "'");
        }
        this.smtpHost = reader.string(SMTP_HOST, externalUrl.getHost());
        this.smtpPort = reader.integer(SMTP_PORT, 587, 1, 65535);
        this.smtpSecurity = reader.string(SMTP_SECURITY, "STARTTLS");
        this.mode = reader.enumValue(MODE, Mode.class).orElse(Mode.OPEN);
        this.allowedDomains = reader.string(ALLOWED_DOMAINS)
            .map(raw -> Arrays.stream(raw.split(",")).map(String::trim).filter(d -> !d.isEmpty())
                .map(d -> d.toLowerCase(Locale.ROOT)).collect(Collectors.toCollection(TreeSet::new)))
            .map(set -> (Set<String>) set).orElse(Set.of());
        this.stateLifetime = reader.duration(STATE_LIFETIME, Duration.ofMinutes(10), Duration.ofSeconds(30));
        this.invitationLifetime = reader.duration(INVITATION_LIFETIME, Duration.ofDays(7), Duration.ofMinutes(1));
        this.pinIdentity = reader.bool(PIN_IDENTITY, true);

        // the endpoints of both providers, whoever supplies the credentials (these properties or WebAdmin's
        // PUT /postbridge/consent/providers/NAME, see ConsentClients)
        endpoints.put(ConsentProvider.GOOGLE, new OAuthClient(ConsentProvider.GOOGLE, "", "",
            reader.uri(GOOGLE_AUTHORIZE, Set.of("https", "http")).orElse(OAuthClient.GOOGLE_AUTHORIZE), reader.uri(GOOGLE_TOKEN, Set.of("https", "http")).orElse(OAuthClient.GOOGLE_TOKEN),
            reader.uri(GOOGLE_USERINFO, Set.of("https", "http")).orElse(OAuthClient.GOOGLE_USERINFO),
            Optional.of(reader.uri(GOOGLE_REVOKE, Set.of("https", "http")).orElse(OAuthClient.GOOGLE_REVOKE)), "", callback(ConsentProvider.GOOGLE)));
        String tenant = reader.string(MICROSOFT_TENANT, "common");
        if (!tenant.matches("[A-Za-z0-9.-]{1,64}")) {
            throw reader.problem(MICROSOFT_TENANT, "must be common, organizations, consumers or a tenant id, was '" + tenant + "'");
        }
        String login = OAuthClient.MICROSOFT_LOGIN + tenant + "/oauth2/v2.0/";
        endpoints.put(ConsentProvider.MICROSOFT, new OAuthClient(ConsentProvider.MICROSOFT, "", "",
            reader.uri(MICROSOFT_AUTHORIZE, Set.of("https", "http")).orElse(URI.create(login + "authorize")),
            reader.uri(MICROSOFT_TOKEN, Set.of("https", "http")).orElse(URI.create(login + "token")),
            reader.uri(MICROSOFT_ME, Set.of("https", "http")).orElse(OAuthClient.MICROSOFT_ME), Optional.empty(), tenant, callback(ConsentProvider.MICROSOFT)));

        Optional<String> googleId = reader.string(GOOGLE_CLIENT_ID);
        if (googleId.isPresent()) {
            String secret = reader.string(GOOGLE_CLIENT_SECRET).orElseThrow(() -> reader.problem(GOOGLE_CLIENT_SECRET,
                "is required with " + GOOGLE_CLIENT_ID + " (the client secret of that OAuth client; ${env:NAME} reads it from the environment)"));
            clients.put(ConsentProvider.GOOGLE, endpoints.get(ConsentProvider.GOOGLE).withCredentials(googleId.get(), secret));
        }
        Optional<String> microsoftId = reader.string(MICROSOFT_CLIENT_ID);
        if (microsoftId.isPresent()) {
            String secret = reader.string(MICROSOFT_CLIENT_SECRET).orElseThrow(() -> reader.problem(MICROSOFT_CLIENT_SECRET,
                "is required with " + MICROSOFT_CLIENT_ID + " (a client secret of that app registration)"));
            clients.put(ConsentProvider.MICROSOFT, endpoints.get(ConsentProvider.MICROSOFT).withCredentials(microsoftId.get(), secret));
        }
        // no client here is allowed with consent.enabled=true: WebAdmin may supply them (the pages say "not set up" until then)
    }

    private static boolean isLoopback(String host) {
        return "localhost".equals(host) || "127.0.0.1".equals(host) || "[::1]".equals(host) || "::1".equals(host);
    }

    private URI callback(ConsentProvider provider) {
        return URI.create(externalUrl + "/connect/" + provider.pathName() + "/callback");
    }

    public boolean enabled() {
        return web.enabled();
    }

    /** The public web listener: host, port, TLS (the default; false only behind a TLS proxy) and keystore. */
    public ListenerSettings web() {
        return web;
    }

    /** What browsers see: scheme://host[:port], no trailing slash. */
    public URI externalUrl() {
        return externalUrl;
    }

    /** Whether the browser reaches us over https (cookies are then marked Secure). */
    public boolean secureCookies() {
        return "https".equals(externalUrl.getScheme());
    }

    public String smtpHost() {
        return smtpHost;
    }

    public int smtpPort() {
        return smtpPort;
    }

    public String smtpSecurity() {
        return smtpSecurity;
    }

    public Mode mode() {
        return mode;
    }

    /** Empty: the server's own domains. */
    public Set<String> allowedDomains() {
        return allowedDomains;
    }

    public Duration stateLifetime() {
        return stateLifetime;
    }

    public Duration invitationLifetime() {
        return invitationLifetime;
    }

    public boolean pinIdentity() {
        return pinIdentity;
    }

    /** The client configured in postbridge.properties (WebAdmin's stored one wins: see ConsentClients). */
    public Optional<OAuthClient> client(ConsentProvider provider) {
        return Optional.ofNullable(clients.get(provider));
    }

    /** The provider's endpoints, tenant and redirect URI, without credentials (clientId and secret empty). */
    public OAuthClient endpoints(ConsentProvider provider) {
        return endpoints.get(provider);
    }

    public List<ConsentProvider> providers() {
        return List.copyOf(clients.keySet());
    }
}
