package io.postbridge.core.settings;

import io.postbridge.core.events.BufferedMailEventLog;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.postbridge.core.accounts.IpRange;
import io.postbridge.core.api.ApiListenerSettings;
import io.postbridge.core.config.SettingProblem;
import io.postbridge.core.otp.OtpSettings;
import io.postbridge.core.otp.OtpTemplate;
import io.postbridge.core.config.SettingsReader;
import io.postbridge.core.dkim.rotation.DkimRotationSettings;
import io.postbridge.core.store.JdbcAliasRepository;
import io.postbridge.core.suppression.SuppressionPolicy;
import io.postbridge.core.verp.VerpSettings;
import io.postbridge.core.ratelimit.RateLimitPolicy;
import io.postbridge.core.store.StoreSettings;
import io.postbridge.core.webhooks.WebhookSettings;

/**
 * The settings of {@code conf/postbridge.properties} (every key is documented in that file). Unknown keys and bad
 * values fail the start with one line naming the key, so a typo never silently falls back to a default.
 */
public final class PostbridgeSettings {
    public static final String FILE = "postbridge.properties";

    public static final String STORE_URL = "store.jdbc.url";
    public static final String STORE_USER = "store.jdbc.user";
    public static final String STORE_PASSWORD = "store.jdbc.password";
    public static final String STORE_SCHEMA = "store.jdbc.schema";
    public static final String STORE_POOL_SIZE = "store.jdbc.poolSize";
    public static final String MASTER_KEY_FILE = "secrets.masterKey.file";
    public static final String MASTER_KEY_ENV = "secrets.masterKey.env";
    public static final String PEPPER_FILE = "apiKeys.pepper.file";
    public static final String PEPPER_ENV = "apiKeys.pepper.env";
    public static final String RATE_MESSAGES_PER_MINUTE = "rateLimit.messagesPerMinute";
    public static final String RATE_RECIPIENTS_PER_DAY = "rateLimit.recipientsPerDay";
    public static final String RATE_STORE = "rateLimit.store";
    public static final String AUTH_MAX_FAILURES = "auth.failures.max";
    public static final String AUTH_FAILURE_WINDOW = "auth.failures.window";
    public static final String AUTH_LOCKOUT = "auth.failures.lockout";
    public static final String MICROSOFT_ENABLED = "microsoft.passThrough.enabled";
    public static final String MICROSOFT_AUTHORITY = "microsoft.authority";
    public static final String MICROSOFT_SCOPE = "microsoft.scope";
    public static final String MICROSOFT_TOKEN_ENDPOINT = "microsoft.tokenEndpointOverride";
    public static final String DKIM_ACTIVATION_DELAY = "dkim.rotation.activationDelay";
    public static final String DKIM_RETIRED_DNS_KEEP = "dkim.rotation.retiredDnsKeep";
    public static final String DKIM_DNS_RECHECK = "dkim.rotation.dnsRecheck";
    public static final String DKIM_KEY_CACHE = "dkim.keys.cacheTime";
    public static final String EVENTS_RETENTION = "events.retention";
    public static final String EVENTS_ENABLED = "events.enabled";
    public static final String EVENTS_BUFFER = "events.buffer";
    public static final String EVENTS_BATCH = "events.batch";
    public static final String ALIASES_CACHE = "aliases.cacheTime";
    public static final String WEBHOOKS_DISPATCH = "webhooks.dispatch";
    public static final String WEBHOOKS_TIMEOUT = "webhooks.timeout";
    public static final String WEBHOOKS_FIRST_RETRY = "webhooks.retry.firstDelay";
    public static final String WEBHOOKS_MAX_RETRY = "webhooks.retry.maxDelay";
    public static final String WEBHOOKS_ATTEMPTS = "webhooks.retry.attempts";
    public static final String WEBHOOKS_POLL = "webhooks.pollInterval";
    public static final String WEBHOOKS_ALLOWED_TARGETS = "webhooks.allowedTargets";
    public static final String WEBHOOKS_ENDPOINT_CONCURRENCY = "webhooks.endpoint.concurrency";
    public static final String SUPPRESSION_SOFT_BOUNCES = "suppression.softBounces";
    public static final String SUPPRESSION_SOFT_WINDOW = "suppression.softWindow";
    public static final String SUPPRESSION_EXPIRY = "suppression.expiry";
    public static final String SUPPRESSION_ENFORCEMENT = "suppression.enforcement";
    public static final String VERP_ENABLED = "verp.enabled";
    public static final String VERP_SECRETS_FILE = "verp.secretsFile";
    public static final String VERP_MAX_AGE_DAYS = "verp.maxAgeDays";
    public static final String VERP_DEFAULT_DOMAIN = "verp.defaultDomain";
    public static final String VERP_DOMAINS = "verp.domains";
    // the gRPC API listener and one-time codes (issue 17)
    public static final String GRPC_ENABLED = "api.grpc.enabled";
    public static final String GRPC_HOST = "api.grpc.host";
    public static final String GRPC_PORT = "api.grpc.port";
    public static final String GRPC_PLAINTEXT = "api.grpc.plaintext";
    public static final String GRPC_KEYSTORE = "api.grpc.keystore";
    public static final String GRPC_KEYSTORE_PASSWORD = "api.grpc.keystore.password";
    public static final String GRPC_KEYSTORE_TYPE = "api.grpc.keystore.type";
    public static final String OTP_DIGITS = "otp.digits";
    public static final String OTP_LIFESPAN = "otp.lifespan";
    public static final String OTP_MAX_ATTEMPTS = "otp.maxAttempts";
    public static final String OTP_RESEND_INTERVAL = "otp.resendInterval";
    public static final String OTP_SUBJECT = "otp.subject";
    public static final String OTP_BODY = "otp.body";

    private static final Set<String> KNOWN = new LinkedHashSet<>(java.util.List.of(STORE_URL, STORE_USER, STORE_PASSWORD,
        STORE_SCHEMA, STORE_POOL_SIZE, MASTER_KEY_FILE, MASTER_KEY_ENV, PEPPER_FILE, PEPPER_ENV, RATE_MESSAGES_PER_MINUTE,
        RATE_RECIPIENTS_PER_DAY, RATE_STORE, AUTH_MAX_FAILURES, AUTH_FAILURE_WINDOW, AUTH_LOCKOUT, MICROSOFT_ENABLED,
        MICROSOFT_AUTHORITY, MICROSOFT_SCOPE, MICROSOFT_TOKEN_ENDPOINT,
        DKIM_ACTIVATION_DELAY, DKIM_RETIRED_DNS_KEEP, DKIM_DNS_RECHECK, DKIM_KEY_CACHE, EVENTS_RETENTION, EVENTS_ENABLED, EVENTS_BUFFER, EVENTS_BATCH, ALIASES_CACHE,
        WEBHOOKS_DISPATCH, WEBHOOKS_TIMEOUT, WEBHOOKS_FIRST_RETRY, WEBHOOKS_MAX_RETRY, WEBHOOKS_ATTEMPTS, WEBHOOKS_POLL,
        WEBHOOKS_ALLOWED_TARGETS, WEBHOOKS_ENDPOINT_CONCURRENCY,
        SUPPRESSION_SOFT_BOUNCES, SUPPRESSION_SOFT_WINDOW, SUPPRESSION_EXPIRY, SUPPRESSION_ENFORCEMENT,
        VERP_ENABLED, VERP_SECRETS_FILE, VERP_MAX_AGE_DAYS, VERP_DEFAULT_DOMAIN, VERP_DOMAINS));

    static {
        // the health checks' thresholds (issue 18)
        KNOWN.addAll(new java.util.TreeSet<>(io.postbridge.core.health.HealthSettings.KNOWN));
    }

    static {
        KNOWN.addAll(java.util.List.of(GRPC_ENABLED, GRPC_HOST, GRPC_PORT, GRPC_PLAINTEXT, GRPC_KEYSTORE, GRPC_KEYSTORE_PASSWORD,
            GRPC_KEYSTORE_TYPE, OTP_DIGITS, OTP_LIFESPAN, OTP_MAX_ATTEMPTS, OTP_RESEND_INTERVAL, OTP_SUBJECT, OTP_BODY));
        // the server-wide default relay of SmtpDelivery (issue 15)
        KNOWN.addAll(io.postbridge.core.delivery.smtp.SmtpRelaySettings.KEYS);
    }

    public enum RateLimitStore {
        MEMORY, DATABASE;

        static Optional<RateLimitStore> fromWireName(String name) {
            for (RateLimitStore store : values()) {
                if (store.name().equalsIgnoreCase(name)) {
                    return Optional.of(store);
                }
            }
            return Optional.empty();
        }
    }

    private final StoreSettings store;
    private final Path masterKeyFile;
    private final String masterKeyEnv;
    private final Path pepperFile;
    private final String pepperEnv;
    private final RateLimitPolicy rateLimitPolicy;
    private final RateLimitStore rateLimitStore;
    private final int authMaxFailures;
    private final Duration authFailureWindow;
    private final Duration authLockout;
    private final boolean microsoftEnabled;
    private final URI microsoftAuthority;
    private final String microsoftScope;
    private final Optional<URI> microsoftTokenEndpoint;
    private final DkimRotationSettings dkimRotation;
    private final Duration eventsRetention;
    private final boolean eventsEnabled;
    private final int eventsBuffer;
    private final int eventsBatch;
    private final Duration aliasesCacheTime;
    private final WebhookSettings webhooks;
    private final io.postbridge.core.health.HealthSettings health;
    private final SuppressionPolicy suppressionPolicy;
    private final ApiListenerSettings grpc;
    private final OtpSettings otp;
    private final ConsentSettings consent;
    private final boolean verpEnabled;
    private final Path verpSecretsFile;
    private final int verpMaxAgeDays;
    private final Optional<String> verpDefaultDomain;
    private final Map<String, String> verpDomains;
    private final io.postbridge.core.delivery.smtp.SmtpRelaySettings smtpRelay;

    private PostbridgeSettings(SettingsReader reader, Path workingDirectory) {
        String url = reader.string(STORE_URL, StoreSettings.h2Url(workingDirectory.resolve("var/postbridge")));
        try {
            this.store = new StoreSettings(url, reader.string(STORE_USER), reader.string(STORE_PASSWORD), reader.string(STORE_SCHEMA),
                reader.integer(STORE_POOL_SIZE, StoreSettings.DEFAULT_POOL_SIZE, 1, 200));
        } catch (SettingProblem.Invalid e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw reader.problem(STORE_URL, e.getMessage());
        }
        this.masterKeyFile = workingDirectory.resolve(reader.string(MASTER_KEY_FILE, "conf/postbridge-master.key"));
        this.masterKeyEnv = reader.string(MASTER_KEY_ENV, "POSTBRIDGE_MASTER_KEYS");
        this.pepperFile = workingDirectory.resolve(reader.string(PEPPER_FILE, "conf/postbridge-api-key.pepper"));
        this.pepperEnv = reader.string(PEPPER_ENV, "POSTBRIDGE_API_KEY_PEPPER");
        this.rateLimitPolicy = new RateLimitPolicy(
            reader.integer(RATE_MESSAGES_PER_MINUTE, 60, 1, RateLimitPolicy.MAX_LIMIT),
            reader.integer(RATE_RECIPIENTS_PER_DAY, 2000, 1, RateLimitPolicy.MAX_LIMIT));
        this.rateLimitStore = reader.choice(RATE_STORE, RateLimitStore::fromWireName,
            "'memory' (one node), 'database' (shared by several nodes)")
            .orElse(store.dialect() == StoreSettings.Dialect.H2 ? RateLimitStore.MEMORY : RateLimitStore.DATABASE);
        this.authMaxFailures = reader.integer(AUTH_MAX_FAILURES, 10, 1, 1_000_000);
        this.authFailureWindow = reader.duration(AUTH_FAILURE_WINDOW, Duration.ofMinutes(15), Duration.ZERO);
        this.authLockout = reader.duration(AUTH_LOCKOUT, Duration.ofMinutes(15), Duration.ZERO);
        this.microsoftEnabled = reader.bool(MICROSOFT_ENABLED, true);
        this.microsoftAuthority = reader.uri(MICROSOFT_AUTHORITY, Set.of("https"))
            .map(uri -> uri.toString().endsWith("/") ? uri : URI.create(uri + "/"))
            .orElse(URI.create("https://login.microsoftonline.com/"));
        this.microsoftScope = reader.string(MICROSOFT_SCOPE, "https://graph.microsoft.com/.default");
        this.microsoftTokenEndpoint = reader.uri(MICROSOFT_TOKEN_ENDPOINT, Set.of());
        this.dkimRotation = new DkimRotationSettings(
            reader.duration(DKIM_ACTIVATION_DELAY, DkimRotationSettings.DEFAULT_ACTIVATION_DELAY, Duration.ZERO),
            reader.duration(DKIM_RETIRED_DNS_KEEP, DkimRotationSettings.DEFAULT_RETIRED_DNS_KEEP, Duration.ZERO),
            // a DNS lookup per message otherwise
            reader.duration(DKIM_DNS_RECHECK, DkimRotationSettings.DEFAULT_DNS_RECHECK, Duration.ofSeconds(1)),
            reader.duration(DKIM_KEY_CACHE, DkimRotationSettings.DEFAULT_CACHE_TTL, Duration.ZERO));
        this.eventsRetention = reader.duration(EVENTS_RETENTION, Duration.ofDays(30), Duration.ofHours(1));
        this.eventsEnabled = reader.bool(EVENTS_ENABLED, true);
        this.eventsBuffer = reader.integer(EVENTS_BUFFER, BufferedMailEventLog.DEFAULT_CAPACITY, 1, 1_000_000);
        this.eventsBatch = reader.integer(EVENTS_BATCH, BufferedMailEventLog.DEFAULT_BATCH, 1, 10_000);
        this.aliasesCacheTime = reader.duration(ALIASES_CACHE, JdbcAliasRepository.DEFAULT_CACHE_TTL, Duration.ZERO);
        Duration firstRetry = reader.duration(WEBHOOKS_FIRST_RETRY, WebhookSettings.DEFAULT_FIRST_RETRY, Duration.ofMillis(1));
        Duration maxRetry = reader.duration(WEBHOOKS_MAX_RETRY, WebhookSettings.DEFAULT_MAX_RETRY, Duration.ofMillis(1));
        if (maxRetry.compareTo(firstRetry) < 0) {
            throw reader.problem(WEBHOOKS_MAX_RETRY, "must not be shorter than " + WEBHOOKS_FIRST_RETRY + " (" + firstRetry + ")");
        }
        List<IpRange> allowedTargets = new ArrayList<>();
        for (String range : reader.string(WEBHOOKS_ALLOWED_TARGETS).map(v -> v.split(",")).orElse(new String[0])) {
            if (!range.isBlank()) {
                allowedTargets.add(reader.parsed(WEBHOOKS_ALLOWED_TARGETS, ignored -> IpRange.parse(range)).orElseThrow());
            }
        }
        this.health = io.postbridge.core.health.HealthSettings.from(reader);
        this.webhooks = new WebhookSettings(reader.bool(WEBHOOKS_DISPATCH, true),
            reader.duration(WEBHOOKS_TIMEOUT, WebhookSettings.DEFAULT_TIMEOUT, Duration.ofMillis(1)),
            firstRetry, maxRetry, reader.integer(WEBHOOKS_ATTEMPTS, WebhookSettings.DEFAULT_ATTEMPTS, 1, 50),
            reader.duration(WEBHOOKS_POLL, WebhookSettings.DEFAULT_POLL, Duration.ofMillis(1)), allowedTargets,
            reader.integer(WEBHOOKS_ENDPOINT_CONCURRENCY, WebhookSettings.DEFAULT_ENDPOINT_CONCURRENCY, 1,
                WebhookSettings.MAX_ENDPOINT_CONCURRENCY));
        this.suppressionPolicy = new SuppressionPolicy(
            reader.integer(SUPPRESSION_SOFT_BOUNCES, SuppressionPolicy.DEFAULT_SOFT_BOUNCES, 1, 1000),
            reader.duration(SUPPRESSION_SOFT_WINDOW, SuppressionPolicy.DEFAULT_SOFT_WINDOW, Duration.ofMinutes(1)),
            reader.duration(SUPPRESSION_EXPIRY, Duration.ofMinutes(1)),
            reader.choice(SUPPRESSION_ENFORCEMENT, SuppressionPolicy.Enforcement::fromWireName,
                "'reject' (550 at RCPT) or 'accept-and-drop' (250, then dropped with an event)")
                .orElse(SuppressionPolicy.Enforcement.REJECT));
        this.grpc = new ApiListenerSettings(reader.bool(GRPC_ENABLED, false), reader.string(GRPC_HOST, "0.0.0.0"),
            reader.integer(GRPC_PORT, ApiListenerSettings.DEFAULT_PORT, 0, 65535), reader.bool(GRPC_PLAINTEXT, false),
            reader.string(GRPC_KEYSTORE).map(workingDirectory::resolve), reader.string(GRPC_KEYSTORE_PASSWORD),
            reader.string(GRPC_KEYSTORE_TYPE, "PKCS12"));
        try {
            this.otp = new OtpSettings(reader.integer(OTP_DIGITS, OtpSettings.DEFAULT_DIGITS, 4, 12),
                reader.duration(OTP_LIFESPAN, OtpSettings.DEFAULT_LIFESPAN, Duration.ofSeconds(10)),
                reader.integer(OTP_MAX_ATTEMPTS, OtpSettings.DEFAULT_MAX_ATTEMPTS, 1, 100),
                reader.duration(OTP_RESEND_INTERVAL, OtpSettings.DEFAULT_RESEND_INTERVAL, Duration.ZERO),
                new OtpTemplate(Optional.empty(), reader.string(OTP_SUBJECT, OtpTemplate.DEFAULT.subject()),
                    reader.string(OTP_BODY).map(body -> body.replace("\\n", "\r\n")).orElse(OtpTemplate.DEFAULT.body())));
        } catch (IllegalArgumentException e) {
            if (e instanceof SettingProblem.Invalid) {
                throw e;
            }
            throw reader.problem(OTP_BODY, e.getMessage());
        }
        this.consent = new ConsentSettings(reader);
        this.verpEnabled = reader.bool(VERP_ENABLED, false);
        this.verpSecretsFile = workingDirectory.resolve(reader.string(VERP_SECRETS_FILE, "conf/verp-secrets"));
        this.verpMaxAgeDays = reader.integer(VERP_MAX_AGE_DAYS, VerpSettings.DEFAULT_MAX_AGE_DAYS, 1, 1000);
        this.verpDefaultDomain = reader.string(VERP_DEFAULT_DOMAIN).map(String::trim).filter(d -> !d.isEmpty());
        Map<String, String> domains = new java.util.TreeMap<>();
        for (String pair : reader.string(VERP_DOMAINS).map(v -> v.split(",")).orElse(new String[0])) {
            if (pair.isBlank()) {
                continue;
            }
            String[] sides = pair.trim().split(":", -1);
            if (sides.length != 2 || sides[0].isBlank() || sides[1].isBlank()) {
                throw reader.problem(VERP_DOMAINS, "expected sending-domain:bounce-domain pairs separated by commas, got '"
                    + pair.trim() + "'");
            }
            domains.put(sides[0].trim(), sides[1].trim());
        }
        this.verpDomains = java.util.Collections.unmodifiableMap(domains);
        this.smtpRelay = io.postbridge.core.delivery.smtp.SmtpRelaySettings.read(reader, workingDirectory);
    }

    /**
     * @param values the file's keys and values (an absent file: an empty map)
     * @throws IllegalArgumentException with a {@link SettingProblem} message
     */
    public static PostbridgeSettings from(Map<String, String> values, Path workingDirectory) {
        SettingsReader reader = SettingsReader.of(FILE, values).requireKnown(values.keySet(), known());
        return new PostbridgeSettings(reader, workingDirectory.toAbsolutePath());
    }

    /** This file's keys and those of the consent pages ({@link ConsentSettings}). */
    private static Set<String> known() {
        Set<String> known = new LinkedHashSet<>(KNOWN);
        known.addAll(new java.util.TreeSet<>(ConsentSettings.KNOWN));
        return known;
    }

    public static PostbridgeSettings defaults(Path workingDirectory) {
        return from(Map.of(), workingDirectory);
    }

    public StoreSettings store() {
        return store;
    }

    public Path masterKeyFile() {
        return masterKeyFile;
    }

    public String masterKeyEnv() {
        return masterKeyEnv;
    }

    public Path pepperFile() {
        return pepperFile;
    }

    public String pepperEnv() {
        return pepperEnv;
    }

    public RateLimitPolicy rateLimitPolicy() {
        return rateLimitPolicy;
    }

    public RateLimitStore rateLimitStore() {
        return rateLimitStore;
    }

    public int authMaxFailures() {
        return authMaxFailures;
    }

    public Duration authFailureWindow() {
        return authFailureWindow;
    }

    public Duration authLockout() {
        return authLockout;
    }

    public boolean microsoftEnabled() {
        return microsoftEnabled;
    }

    public URI microsoftAuthority() {
        return microsoftAuthority;
    }

    public String microsoftScope() {
        return microsoftScope;
    }

    public Optional<URI> microsoftTokenEndpoint() {
        return microsoftTokenEndpoint;
    }

    /** The managed DKIM keys' schedule ({@code dkim.*}). */
    public DkimRotationSettings dkimRotation() {
        return dkimRotation;
    }

    /** How long a node forwards with run-time aliases read from the store before reading them again. */
    public Duration aliasesCacheTime() {
        return aliasesCacheTime;
    }

    /** Signed delivery webhooks ({@code webhooks.*}). */
    /** Thresholds of the health checks ({@code health.*}). */
    public io.postbridge.core.health.HealthSettings health() {
        return health;
    }

    public WebhookSettings webhooks() {
        return webhooks;
    }

    /** VERP return paths on relayed mail ({@code verp.enabled}, default off). */
    public boolean verpEnabled() {
        return verpEnabled;
    }

    /** SRS's secrets file format: one secret a line, the first signs; created with a random secret when missing. */
    public Path verpSecretsFile() {
        return verpSecretsFile;
    }

    public int verpMaxAgeDays() {
        return verpMaxAgeDays;
    }

    public Optional<String> verpDefaultDomain() {
        return verpDefaultDomain;
    }

    /** Sending domain to bounce domain ({@code verp.domains=crm.example:bounces.example.com,...}). */
    public Map<String, String> verpDomains() {
        return verpDomains;
    }

    /** The suppression list's policy ({@code suppression.*}). */
    public SuppressionPolicy suppressionPolicy() {
        return suppressionPolicy;
    }

    /** The gRPC API listener ({@code api.grpc.*}). */
    public ApiListenerSettings grpc() {
        return grpc;
    }

    /** One-time codes ({@code otp.*}). */
    public OtpSettings otp() {
        return otp;
    }

    /** The consent web flow: its listener, who may connect, the OAuth clients ({@code consent.*}). */
    public ConsentSettings consent() {
        return consent;
    }

    /** SmtpDelivery's server-wide default relay ({@code smtp.relay.*}); none configured: direct MX. */
    public io.postbridge.core.delivery.smtp.SmtpRelaySettings smtpRelay() {
        return smtpRelay;
    }

    /** How long mail events are kept in the store. */
    public Duration eventsRetention() {
        return eventsRetention;
    }

    /** {@code events.enabled}: false records no event at all (benchmarks of the event log's cost). */
    public boolean eventsEnabled() {
        return eventsEnabled;
    }

    /** {@code events.buffer}: events held in memory for the background writer; a full buffer slows the callers. */
    public int eventsBuffer() {
        return eventsBuffer;
    }

    /** {@code events.batch}: the most events the writer stores in one transaction. */
    public int eventsBatch() {
        return eventsBatch;
    }
}
