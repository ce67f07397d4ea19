package io.postbridge.core;

import io.postbridge.core.events.BufferedMailEventLog;
import io.postbridge.core.events.MailEvent;
import io.postbridge.core.events.MailEventType;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.postbridge.core.accounts.AccountAdministration;
import io.postbridge.core.accounts.AccountRepository;
import io.postbridge.core.accounts.AllowedSenderRepository;
import io.postbridge.core.accounts.CachedAccountRepository;
import io.postbridge.core.accounts.CachedAllowedSenderRepository;
import io.postbridge.core.accounts.ProviderSettingsRepository;
import io.postbridge.core.accounts.SenderPolicy;
import io.postbridge.core.accounts.TrustedNetworkRepository;
import io.postbridge.core.accounts.TrustedNetworks;
import io.postbridge.core.alias.AliasRepository;
import io.postbridge.core.api.ApiAuthentication;
import io.postbridge.core.api.ApiListenerSettings;
import io.postbridge.core.api.IdempotencyKeys;
import io.postbridge.core.apikeys.ApiKeyHasher;
import io.postbridge.core.apikeys.ApiKeys;
import io.postbridge.core.apikeys.PepperStartup;
import io.postbridge.core.auth.AuthFailureThrottle;
import io.postbridge.core.auth.SmtpAuthenticator;
import io.postbridge.core.dkim.rotation.DkimKeyRepository;
import io.postbridge.core.dkim.rotation.DkimRotationSettings;
import io.postbridge.core.events.MailEventLog;
import io.postbridge.core.metrics.CountingMailEventLog;
import io.postbridge.core.metrics.ForwardingMetrics;
import io.postbridge.core.microsoft.MicrosoftPassThrough;
import io.postbridge.core.otp.OtpRepository;
import io.postbridge.core.otp.OtpSettings;
import io.postbridge.core.microsoft.CachedMicrosoftTokenClient;
import io.postbridge.core.microsoft.MicrosoftTokenClient;
import io.postbridge.core.oauth.TokenCache;
import io.postbridge.core.ratelimit.AccountRateLimits;
import io.postbridge.core.ratelimit.InMemoryRateLimiter;
import io.postbridge.core.ratelimit.RateLimiter;
import io.postbridge.core.secrets.MasterKeyRotation;
import io.postbridge.core.secrets.MasterKeyStartup;
import io.postbridge.core.secrets.MasterKeys;
import io.postbridge.core.secrets.SecretCipher;
import io.postbridge.core.secrets.SecretRepository;
import io.postbridge.core.secrets.SecretVault;
import io.postbridge.core.settings.PostbridgeSettings;
import io.postbridge.core.store.Database;
import io.postbridge.core.consent.ConsentStateRepository;
import io.postbridge.core.store.Jdbc;
import io.postbridge.core.store.JdbcAliasRepository;
import io.postbridge.core.store.JdbcConsentStateRepository;
import io.postbridge.core.store.JdbcAccountRepository;
import io.postbridge.core.store.JdbcAllowedSenderRepository;
import io.postbridge.core.store.JdbcApiKeyRepository;
import io.postbridge.core.store.JdbcDkimKeyRepository;
import io.postbridge.core.store.JdbcIdempotencyKeys;
import io.postbridge.core.store.JdbcOtpRepository;
import io.postbridge.core.store.JdbcMailEventLog;
import io.postbridge.core.store.JdbcProviderSettingsRepository;
import io.postbridge.core.store.JdbcRateLimiter;
import io.postbridge.core.store.JdbcSecretRepository;
import io.postbridge.core.store.JdbcBouncePolicyRepository;
import io.postbridge.core.store.JdbcSuppressionRepository;
import io.postbridge.core.store.JdbcTrustedNetworkRepository;
import io.postbridge.core.store.JdbcWebhookStore;
import io.postbridge.core.webhooks.EgressGuard;
import io.postbridge.core.webhooks.WebhookDispatcher;
import io.postbridge.core.webhooks.Webhooks;
import io.postbridge.core.suppression.BounceOutcomes;
import io.postbridge.core.suppression.SuppressionList;
import io.postbridge.core.signing.SecretRing;
import io.postbridge.core.srs.SrsSecretsFile;
import io.postbridge.core.verp.VerpCodec;
import io.postbridge.core.verp.VerpReturnPaths;
import io.postbridge.core.verp.VerpSettings;

/**
 * The composition root of core: the store (schema migrated) built from {@code postbridge.properties}, the master keys
 * and pepper ({@link MasterKeyStartup}, {@link PepperStartup}), and the services on top. Adapters do not receive it:
 * the Guice module hands each hook, route and mailet the few services it uses.
 */
public final class PostbridgeBackend implements AutoCloseable {
    private static final Logger LOGGER = LoggerFactory.getLogger(PostbridgeBackend.class);

    private final Database database;
    private final AccountRepository accounts;
    private final AllowedSenderRepository senders;
    private final TrustedNetworkRepository trustedNetworkRepository;
    private final ProviderSettingsRepository providerSettings;
    private final SenderPolicy senderPolicy;
    private final TrustedNetworks trustedNetworks;
    private final ApiKeys apiKeys;
    private final MasterKeys masterKeys;
    private final SecretVault secretVault;
    private final ConsentStateRepository consentStates;
    private final MasterKeyRotation rotation;
    private final AccountRateLimits rateLimits;
    private final SuppressionList suppressions;
    private final VerpReturnPaths verp;
    private final BounceOutcomes bounceOutcomes;
    private final SmtpAuthenticator authenticator;
    private final Optional<MicrosoftPassThrough> microsoft;
    private final AliasRepository aliases;
    private final DkimKeyRepository dkimKeys;
    private final DkimRotationSettings dkimRotation;
    private final Optional<MicrosoftTokenClient> microsoftTokenClient;
    /** The server's one token cache: SMTP AUTH (Microsoft pass-through) and API delivery share it. */
    private final TokenCache tokens;
    /** Access tokens of XOAUTH2 upstreams (provider smtp, auth xoauth2): built on the same OAuth clients as API delivery. */
    private final io.postbridge.core.delivery.smtp.UpstreamTokenSources upstreamTokens;
    private final MailEventLog events;
    private final Optional<BufferedMailEventLog> eventWriter;
    private final AccountAdministration administration;
    private final Webhooks webhooks;
    private final WebhookDispatcher webhookDispatcher;
    private final JdbcWebhookStore webhookStore;
    // the API listener and one-time codes (issue 17)
    private final ApiKeyHasher keyHasher;
    private final ApiAuthentication apiAuthentication;
    private final IdempotencyKeys idempotencyKeys;
    private final OtpRepository otpCodes;
    private final ApiListenerSettings grpcSettings;
    private final OtpSettings otpSettings;
    /** Counters and gauges of core services, forwarded to the server's metrics once attached (docs/observability.md). */
    private final ForwardingMetrics metrics = new ForwardingMetrics();

    /** events.enabled=false: nothing is recorded, nothing listed, no webhook sent for mail events. */
    private static final MailEventLog NO_EVENTS = new MailEventLog() {
        @Override
        public void record(MailEvent event) {
        }

        @Override
        public List<MailEvent> recent(int limit, Optional<MailEventType> type) {
            return List.of();
        }
    };

    private PostbridgeBackend(PostbridgeSettings settings, Database database, Map<String, String> environment, Clock clock,
                              BiFunction<PostbridgeSettings, TokenCache, MicrosoftTokenClient> microsoftTokens) {
        this.database = database;
        this.tokens = new TokenCache(clock, TokenCache.DEFAULT_REFRESH_AHEAD, TokenCache.DEFAULT_MINIMUM_VALIDITY);
        this.upstreamTokens = new io.postbridge.core.delivery.smtp.UpstreamTokenSources(tokens, settings.microsoftAuthority(),
            settings.microsoftTokenEndpoint(), java.time.Duration.ofSeconds(30));
        Jdbc jdbc = new Jdbc(database.dataSource());
        // read on every mail (trusted networks, AUTH, sender policy): cached, a change elsewhere seen within 5 s
        this.accounts = new CachedAccountRepository(new JdbcAccountRepository(jdbc), clock, TrustedNetworks.DEFAULT_REFRESH);
        this.senders = new CachedAllowedSenderRepository(new JdbcAllowedSenderRepository(jdbc), clock, TrustedNetworks.DEFAULT_REFRESH);
        this.trustedNetworkRepository = new JdbcTrustedNetworkRepository(jdbc);
        this.providerSettings = new JdbcProviderSettingsRepository(jdbc, clock);
        this.suppressions = new SuppressionList(new JdbcSuppressionRepository(jdbc), new JdbcBouncePolicyRepository(jdbc, clock),
            settings.suppressionPolicy(), clock);
        this.verp = new VerpReturnPaths(settings.verpEnabled() ? Optional.of(verpCodec(settings, clock)) : Optional.empty());
        this.senderPolicy = new SenderPolicy(senders);
        this.trustedNetworks = new TrustedNetworks(trustedNetworkRepository);
        JdbcApiKeyRepository keyRepository = new JdbcApiKeyRepository(jdbc);
        this.keyHasher = new ApiKeyHasher(PepperStartup.load(settings, environment, keyRepository));
        this.apiKeys = new ApiKeys(keyRepository, keyHasher, clock);
        SecretRepository secretRepository = new JdbcSecretRepository(jdbc, clock);
        this.masterKeys = MasterKeyStartup.load(settings, environment, secretRepository);
        SecretCipher cipher = new SecretCipher(masterKeys);
        this.secretVault = new SecretVault(secretRepository, cipher);
        // the consent pages' sign-ins in flight (PKCE verifiers sealed with the same cipher)
        this.consentStates = new JdbcConsentStateRepository(jdbc, cipher);
        this.rotation = new MasterKeyRotation(masterKeys, secretVault);
        // webhooks: endpoint secrets sealed in pb_secret; the outbox is written with each event, in its transaction
        JdbcWebhookStore webhookStore = new JdbcWebhookStore(jdbc, secretVault, clock);
        // the event log off the mail path: a bounded buffer, stored in batches by a background writer (issue 14)
        JdbcMailEventLog storedEvents = new JdbcMailEventLog(jdbc, clock, settings.eventsRetention(), Optional.of(webhookStore));
        this.eventWriter = settings.eventsEnabled()
            ? Optional.of(new BufferedMailEventLog(storedEvents, settings.eventsBuffer(), settings.eventsBatch())) : Optional.empty();
        this.events = new CountingMailEventLog(eventWriter.<MailEventLog>map(writer -> writer).orElse(NO_EVENTS), metrics);
        this.bounceOutcomes = new BounceOutcomes(suppressions, events);
        EgressGuard egress = new EgressGuard(settings.webhooks().allowedTargets());
        this.webhooks = new Webhooks(webhookStore, egress, accounts, clock);
        this.webhookDispatcher = new WebhookDispatcher(webhookStore, settings.webhooks(), egress, events, clock, settings.eventsRetention());
        webhookStore.onEnqueued(webhookDispatcher::wake);
        this.webhookStore = webhookStore;
        webhookDispatcher.recordTo(metrics);
        suppressions.recordTo(metrics);
        tokens.activity().recordTo(metrics);
        // managed DKIM keys: private keys sealed in pb_secret, so the rotation above re-encrypts them too
        this.dkimKeys = new JdbcDkimKeyRepository(jdbc, secretVault, clock);
        this.dkimRotation = settings.dkimRotation();
        RateLimiter limiter = settings.rateLimitStore() == PostbridgeSettings.RateLimitStore.DATABASE
            ? new JdbcRateLimiter(jdbc, clock) : new InMemoryRateLimiter(clock);
        this.rateLimits = new AccountRateLimits(limiter, settings.rateLimitPolicy(), clock);
        this.microsoftTokenClient = settings.microsoftEnabled() ? Optional.of(microsoftTokens.apply(settings, tokens)) : Optional.empty();
        this.microsoft = microsoftTokenClient.map(client -> new MicrosoftPassThrough(client, cipher));
        AuthFailureThrottle throttle = new AuthFailureThrottle(settings.authMaxFailures(), settings.authFailureWindow(),
            settings.authLockout(), clock);
        this.authenticator = new SmtpAuthenticator(accounts, apiKeys, senderPolicy, throttle, microsoft);
        this.aliases = new JdbcAliasRepository(jdbc, clock, settings.aliasesCacheTime());
        this.apiAuthentication = new ApiAuthentication(authenticator, clock);
        this.idempotencyKeys = new JdbcIdempotencyKeys(jdbc, clock);
        this.otpCodes = new JdbcOtpRepository(jdbc);
        this.grpcSettings = settings.grpc();
        this.otpSettings = settings.otp();
        this.administration = new AccountAdministration(accounts, senders, trustedNetworkRepository, trustedNetworks, providerSettings,
            secretVault, clock, upstreamTokens);
        administration.whenDeleted(webhooks::deleteEndpointsOf);
    }

    /**
     * Opens the store and loads (or, for the embedded default, creates) the key material.
     *
     * @param microsoftTokens builds the Microsoft token client (used when pass-through is enabled) on the shared cache
     * @throws IllegalArgumentException with a one-line, operator-readable message when something is missing
     */
    public static PostbridgeBackend start(PostbridgeSettings settings, Map<String, String> environment, Clock clock,
                                          BiFunction<PostbridgeSettings, TokenCache, MicrosoftTokenClient> microsoftTokens) {
        Database database = Database.open(settings.store());
        try {
            PostbridgeBackend backend = new PostbridgeBackend(settings, database, environment, clock, microsoftTokens);
            LOGGER.info("Postbridge store ready: {} ({} master key(s) from {}, rate limits counted in {})", settings.store(),
                backend.masterKeys.ids().size(), backend.masterKeys.source().describe(), settings.rateLimitStore().name().toLowerCase());
            return backend;
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
    }

    public Database database() {
        return database;
    }

    public AccountRepository accounts() {
        return accounts;
    }

    /** What WebAdmin does to accounts, with its rules (provider change, network ownership, cache invalidation). */
    public AccountAdministration accountAdministration() {
        return administration;
    }

    public AllowedSenderRepository senders() {
        return senders;
    }

    public TrustedNetworkRepository trustedNetworkRepository() {
        return trustedNetworkRepository;
    }

    public ProviderSettingsRepository providerSettings() {
        return providerSettings;
    }

    public SenderPolicy senderPolicy() {
        return senderPolicy;
    }

    public TrustedNetworks trustedNetworks() {
        return trustedNetworks;
    }

    public ApiKeys apiKeys() {
        return apiKeys;
    }

    public MasterKeys masterKeys() {
        return masterKeys;
    }

    /** The consent pages' sign-in attempts, shared by every node on this store. */
    public ConsentStateRepository consentStates() {
        return consentStates;
    }

    public SecretVault secretVault() {
        return secretVault;
    }

    public MasterKeyRotation rotation() {
        return rotation;
    }

    public AccountRateLimits rateLimits() {
        return rateLimits;
    }

    public SmtpAuthenticator authenticator() {
        return authenticator;
    }

    public Optional<MicrosoftPassThrough> microsoft() {
        return microsoft;
    }

    /** Run-time aliases (WebAdmin /postbridge/aliases), cached: see {@link JdbcAliasRepository}. */
    public AliasRepository aliases() {
        return aliases;
    }

    /** Managed DKIM keys (WebAdmin /postbridge/dkim), private keys encrypted at rest. */
    public DkimKeyRepository dkimKeys() {
        return dkimKeys;
    }

    /** Their rotation schedule from postbridge.properties ({@code dkim.*}). */
    public DkimRotationSettings dkimRotation() {
        return dkimRotation;
    }

    /** Mail events (received, queued, delivered, ...), kept in the store for events.retention. */
    /** The suppression list (bounce handling): hard/soft/complaint rules, per account and global. */
    public SuppressionList suppressions() {
        return suppressions;
    }

    /** VERP return paths of relayed mail, when {@code verp.enabled}; its secrets file is made on first start. */
    public VerpReturnPaths verp() {
        return verp;
    }

    private static VerpCodec verpCodec(PostbridgeSettings settings, Clock clock) {
        Path file = settings.verpSecretsFile();
        try {
            if (SrsSecretsFile.createIfMissing(file, new SecureRandom())) {
                LOGGER.info("Postbridge: created the VERP secrets file {} with a random secret", file);
            }
            List<String> secrets = SrsSecretsFile.read(file);
            if (secrets.isEmpty()) {
                throw new IllegalArgumentException(PostbridgeSettings.VERP_SECRETS_FILE + ": " + file + " holds no secret");
            }
            return new VerpCodec(new VerpSettings(SecretRing.ofStrings(secrets), settings.verpMaxAgeDays(),
                settings.verpDefaultDomain(), settings.verpDomains()), clock);
        } catch (IOException e) {
            throw new IllegalArgumentException(PostbridgeSettings.VERP_SECRETS_FILE + ": cannot read or create " + file + ": "
                + e.getMessage(), e);
        }
    }

    /** What inbound bounces, failures while sending and deliveries do to the suppression list. */
    public BounceOutcomes bounceOutcomes() {
        return bounceOutcomes;
    }

    public MailEventLog events() {
        return events;
    }

    /**
     * Waits (at most {@code timeout}) until every event recorded before this call is stored, with its webhook outbox
     * rows; true when it was (or events are off).
     */
    public boolean flushEvents(java.time.Duration timeout) {
        return eventWriter.map(writer -> writer.flush(timeout)).orElse(true);
    }

    /** Webhook endpoints, their secrets and delivery logs (WebAdmin /postbridge/webhooks). */
    public Webhooks webhooks() {
        return webhooks;
    }

    /**
     * Sends the webhook outbox. Not started by the backend: the server starts it (webhooks.dispatch), tests start it
     * when they mean to; {@link #close()} stops it.
     */
    public WebhookDispatcher webhookDispatcher() {
        return webhookDispatcher;
    }

    /** Access tokens of every account and pass-through app; API delivery uses this same instance. */
    /** Where core services record metrics: the server attaches James's metrics here ({@link ForwardingMetrics#attach}). */
    public ForwardingMetrics metrics() {
        return metrics;
    }

    /** Webhook deliveries waiting in the outbox (metrics, health check). */
    public long webhookBacklog() {
        return webhookStore.backlog();
    }

    /** The token sources of XOAUTH2 upstreams, for delivery's provider settings (StoreProviderAccounts). */
    public io.postbridge.core.delivery.smtp.UpstreamTokenSources upstreamTokens() {
        return upstreamTokens;
    }

    public TokenCache tokens() {
        return tokens;
    }

    /** API calls' bearer keys, checked as SMTP AUTH checks them (gRPC and HTTPS API). */
    public ApiAuthentication apiAuthentication() {
        return apiAuthentication;
    }

    /** SendMail idempotency keys, shared by the nodes. */
    public IdempotencyKeys idempotencyKeys() {
        return idempotencyKeys;
    }

    /** One-time codes (keyed hashes) and the code mail templates. */
    public OtpRepository otpCodes() {
        return otpCodes;
    }

    /** The keyed hash of API keys, also used for one-time codes. */
    public ApiKeyHasher keyHasher() {
        return keyHasher;
    }

    public ApiListenerSettings grpcSettings() {
        return grpcSettings;
    }

    public OtpSettings otpSettings() {
        return otpSettings;
    }

    @Override
    public void close() {
        if (microsoftTokenClient.orElse(null) instanceof AutoCloseable) {
            try {
                ((AutoCloseable) microsoftTokenClient.get()).close();
            } catch (Exception e) {
                LOGGER.debug("closing the Microsoft token client", e);
            }
        }
        webhookDispatcher.close();
        upstreamTokens.close();
        // after what records events (listeners, spooler, mailets: OrderedShutdown stops them first), before the store
        eventWriter.ifPresent(BufferedMailEventLog::close);
        database.close();
    }

    /** The production Microsoft client: msal4j against the configured authority, tokens in the shared cache. */
    public static MicrosoftTokenClient msal(PostbridgeSettings settings, TokenCache tokens) {
        return new CachedMicrosoftTokenClient(tokens, settings.microsoftAuthority(), settings.microsoftScope(),
            settings.microsoftTokenEndpoint());
    }

    /** For callers that build no Microsoft client (pass-through disabled, unit tests). */
    public static BiFunction<PostbridgeSettings, TokenCache, MicrosoftTokenClient> noMicrosoft() {
        return (settings, tokens) -> (app, secret) -> {
            throw new MicrosoftTokenClient.Unavailable("Microsoft pass-through is not configured", null);
        };
    }

}
