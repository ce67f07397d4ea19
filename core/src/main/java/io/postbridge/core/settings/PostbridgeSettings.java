package io.postbridge.core.settings;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.postbridge.core.config.Durations;
import io.postbridge.core.config.SettingProblem;
import io.postbridge.core.dkim.rotation.DkimRotationSettings;
import io.postbridge.core.store.JdbcAliasRepository;
import io.postbridge.core.ratelimit.RateLimitPolicy;
import io.postbridge.core.store.StoreSettings;

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
    public static final String ALIASES_CACHE = "aliases.cacheTime";

    private static final Set<String> KNOWN = new LinkedHashSet<>(java.util.List.of(STORE_URL, STORE_USER, STORE_PASSWORD,
        STORE_SCHEMA, STORE_POOL_SIZE, MASTER_KEY_FILE, MASTER_KEY_ENV, PEPPER_FILE, PEPPER_ENV, RATE_MESSAGES_PER_MINUTE,
        RATE_RECIPIENTS_PER_DAY, RATE_STORE, AUTH_MAX_FAILURES, AUTH_FAILURE_WINDOW, AUTH_LOCKOUT, MICROSOFT_ENABLED,
        MICROSOFT_AUTHORITY, MICROSOFT_SCOPE, MICROSOFT_TOKEN_ENDPOINT,
        DKIM_ACTIVATION_DELAY, DKIM_RETIRED_DNS_KEEP, DKIM_DNS_RECHECK, DKIM_KEY_CACHE, EVENTS_RETENTION, ALIASES_CACHE));
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)?");

    public enum RateLimitStore { MEMORY, DATABASE }

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
    private final Duration aliasesCacheTime;
    private final ConsentSettings consent;

    private PostbridgeSettings(Reader reader, Path workingDirectory) {
        String url = reader.string(STORE_URL).orElse(StoreSettings.h2Url(workingDirectory.resolve("var/postbridge")));
        try {
            this.store = new StoreSettings(url, reader.string(STORE_USER), reader.string(STORE_PASSWORD), reader.string(STORE_SCHEMA),
                reader.integer(STORE_POOL_SIZE, StoreSettings.DEFAULT_POOL_SIZE, 1, 200));
        } catch (IllegalArgumentException e) {
            throw reader.problem(STORE_URL, e.getMessage());
        }
        this.masterKeyFile = workingDirectory.resolve(reader.string(MASTER_KEY_FILE).orElse("conf/postbridge-master.key"));
        this.masterKeyEnv = reader.string(MASTER_KEY_ENV).orElse("POSTBRIDGE_MASTER_KEYS");
        this.pepperFile = workingDirectory.resolve(reader.string(PEPPER_FILE).orElse("conf/postbridge-api-key.pepper"));
        this.pepperEnv = reader.string(PEPPER_ENV).orElse("POSTBRIDGE_API_KEY_PEPPER");
        this.rateLimitPolicy = new RateLimitPolicy(
            reader.integer(RATE_MESSAGES_PER_MINUTE, 60, 1, RateLimitPolicy.MAX_LIMIT),
            reader.integer(RATE_RECIPIENTS_PER_DAY, 2000, 1, RateLimitPolicy.MAX_LIMIT));
        String rateStore = reader.string(RATE_STORE).orElse(store.dialect() == StoreSettings.Dialect.H2 ? "memory" : "database");
        try {
            this.rateLimitStore = RateLimitStore.valueOf(rateStore.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw reader.problem(RATE_STORE, "must be 'memory' (one node) or 'database' (shared by several nodes), was '" + rateStore + "'");
        }
        this.authMaxFailures = reader.integer(AUTH_MAX_FAILURES, 10, 1, 1_000_000);
        this.authFailureWindow = reader.duration(AUTH_FAILURE_WINDOW, Duration.ofMinutes(15));
        this.authLockout = reader.duration(AUTH_LOCKOUT, Duration.ofMinutes(15));
        this.microsoftEnabled = reader.bool(MICROSOFT_ENABLED, true);
        this.microsoftAuthority = reader.httpsUri(MICROSOFT_AUTHORITY).orElse(URI.create("https://login.microsoftonline.com/"));
        this.microsoftScope = reader.string(MICROSOFT_SCOPE).orElse("https://graph.microsoft.com/.default");
        this.microsoftTokenEndpoint = reader.uri(MICROSOFT_TOKEN_ENDPOINT);
        this.dkimRotation = new DkimRotationSettings(
            reader.operatorDuration(DKIM_ACTIVATION_DELAY, DkimRotationSettings.DEFAULT_ACTIVATION_DELAY, Duration.ZERO),
            reader.operatorDuration(DKIM_RETIRED_DNS_KEEP, DkimRotationSettings.DEFAULT_RETIRED_DNS_KEEP, Duration.ZERO),
            // a DNS lookup per message otherwise
            reader.operatorDuration(DKIM_DNS_RECHECK, DkimRotationSettings.DEFAULT_DNS_RECHECK, Duration.ofSeconds(1)),
            reader.operatorDuration(DKIM_KEY_CACHE, DkimRotationSettings.DEFAULT_CACHE_TTL, Duration.ZERO));
        this.eventsRetention = reader.duration(EVENTS_RETENTION, Duration.ofDays(30));
        if (eventsRetention.compareTo(Duration.ofHours(1)) < 0) {
            throw reader.problem(EVENTS_RETENTION, "must be at least 1h (a bare number means seconds), e.g. 30d, was '"
                + reader.string(EVENTS_RETENTION).orElse("") + "'");
        }
        this.aliasesCacheTime = reader.operatorDuration(ALIASES_CACHE, JdbcAliasRepository.DEFAULT_CACHE_TTL, Duration.ZERO);
        this.consent = new ConsentSettings(reader);
    }

    /**
     * @param values the file's keys and values (an absent file: an empty map)
     * @throws IllegalArgumentException with a {@link SettingProblem} message
     */
    public static PostbridgeSettings from(Map<String, String> values, Path workingDirectory) {
        for (String key : values.keySet()) {
            if (!KNOWN.contains(key) && !ConsentSettings.KNOWN.contains(key)) {
                throw new IllegalArgumentException(SettingProblem.describe(FILE, key, "unknown setting; known settings are " + KNOWN));
            }
        }
        return new PostbridgeSettings(new Reader(values), workingDirectory.toAbsolutePath());
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

    /** The consent web flow: its listener, who may connect, the OAuth clients ({@code consent.*}). */
    public ConsentSettings consent() {
        return consent;
    }

    /** How long mail events are kept in the store. */
    public Duration eventsRetention() {
        return eventsRetention;
    }

    /** Typed access to the raw values, with errors that name the key. */
    static final class Reader {
        private final Map<String, String> values;

        Reader(Map<String, String> values) {
            this.values = Objects.requireNonNull(values);
        }

        Optional<String> string(String key) {
            return Optional.ofNullable(values.get(key)).map(String::trim).filter(value -> !value.isEmpty());
        }

        int integer(String key, int defaultValue, int min, int max) {
            Optional<String> raw = string(key);
            if (raw.isEmpty()) {
                return defaultValue;
            }
            try {
                int value = Integer.parseInt(raw.get());
                if (value >= min && value <= max) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw problem(key, "must be a whole number from " + min + " to " + max + ", was '" + raw.get() + "'");
        }

        boolean bool(String key, boolean defaultValue) {
            Optional<String> raw = string(key);
            if (raw.isEmpty()) {
                return defaultValue;
            }
            switch (raw.get().toLowerCase(Locale.ROOT)) {
                case "true":
                    return true;
                case "false":
                    return false;
                default:
                    throw problem(key, "must be true or false, was '" + raw.get() + "'");
            }
        }

        Duration duration(String key, Duration defaultValue) {
            Optional<String> raw = string(key);
            if (raw.isEmpty()) {
                return defaultValue;
            }
            Matcher matcher = DURATION.matcher(raw.get().toLowerCase(Locale.ROOT));
            if (!matcher.matches()) {
                throw problem(key, "must be a duration like 30s, 15m, 2h or 1d, was '" + raw.get() + "'");
            }
            long amount = Long.parseLong(matcher.group(1));
            String unit = matcher.group(2) == null ? "s" : matcher.group(2);
            switch (unit) {
                case "ms":
                    return Duration.ofMillis(amount);
                case "m":
                    return Duration.ofMinutes(amount);
                case "h":
                    return Duration.ofHours(amount);
                case "d":
                    return Duration.ofDays(amount);
                default:
                    return Duration.ofSeconds(amount);
            }
        }

        /** A duration as {@link Durations} reads it (30s, 10m, 48h, 7d, PT48H), at least {@code min}. */
        Duration operatorDuration(String key, Duration defaultValue, Duration min) {
            Optional<String> raw = string(key);
            if (raw.isEmpty()) {
                return defaultValue;
            }
            Duration value;
            try {
                value = Durations.parse(raw.get());
            } catch (IllegalArgumentException e) {
                throw problem(key, e.getMessage());
            }
            if (value.compareTo(min) < 0) {
                throw problem(key, "must be at least " + min.getSeconds() + "s, was '" + raw.get() + "'");
            }
            return value;
        }

        Optional<URI> uri(String key) {
            return string(key).map(raw -> {
                try {
                    URI uri = URI.create(raw);
                    if (uri.getScheme() == null || uri.getHost() == null) {
                        throw new IllegalArgumentException("not absolute");
                    }
                    return uri;
                } catch (IllegalArgumentException e) {
                    throw problem(key, "must be an absolute URL like https://host/path, was '" + raw + "'");
                }
            });
        }

        Optional<URI> httpsUri(String key) {
            return uri(key).map(uri -> {
                if (!"https".equals(uri.getScheme())) {
                    throw problem(key, "must be an https:// URL, was '" + uri + "'");
                }
                return uri.toString().endsWith("/") ? uri : URI.create(uri + "/");
            });
        }

        IllegalArgumentException problem(String key, String message) {
            return new IllegalArgumentException(SettingProblem.describe(FILE, key, message));
        }
    }
}
