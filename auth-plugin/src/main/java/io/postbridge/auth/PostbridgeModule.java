package io.postbridge.auth;

import java.security.SecureRandom;
import java.time.Clock;


import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Scopes;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;

import org.apache.james.domainlist.api.DomainList;

import io.postbridge.auth.alias.JamesLocalMailboxes;
import io.postbridge.auth.api.ApiHttpRoutes;
import io.postbridge.auth.api.GrpcListener;
import io.postbridge.auth.api.JamesMailSpool;
import io.postbridge.auth.alias.MailetContainerAliasForwarding;
import io.postbridge.auth.dkim.DkimModule;
import io.postbridge.auth.backend.PostbridgeBackendHolder;
import io.postbridge.auth.observability.JamesPostbridgeMetrics;
import io.postbridge.auth.observability.PostbridgeObservability;
import io.postbridge.core.metrics.ActivitySummary;
import io.postbridge.core.metrics.PostbridgeMetrics;
import io.postbridge.auth.web.ConsentFlows;
import io.postbridge.auth.web.ConnectRoutes;
import io.postbridge.auth.web.PublicWebListener;
import io.postbridge.auth.web.PublicWebRoutes;
import io.postbridge.core.PostbridgeBackend;
import io.postbridge.core.accounts.AccountAdministration;
import io.postbridge.core.accounts.AccountRepository;
import io.postbridge.core.accounts.SenderPolicy;
import io.postbridge.core.accounts.TrustedNetworks;
import io.postbridge.core.alias.AliasForwardingSource;
import io.postbridge.core.alias.AliasRepository;
import io.postbridge.core.alias.LocalMailboxes;
import io.postbridge.core.api.ApiAuthentication;
import io.postbridge.core.api.ApiListenerSettings;
import io.postbridge.core.api.MailSpool;
import io.postbridge.core.api.MailSubmission;
import io.postbridge.core.apikeys.ApiKeys;
import io.postbridge.core.auth.SmtpAuthenticator;
import io.postbridge.core.delivery.ChainedProviderAccounts;
import io.postbridge.core.delivery.InMemoryProviderAccounts;
import io.postbridge.core.delivery.ProviderAccounts;
import io.postbridge.core.delivery.StoreProviderAccounts;
import io.postbridge.core.dkim.rotation.DkimRotationSettings;
import io.postbridge.core.events.MailEventLog;
import io.postbridge.core.oauth.TokenCache;
import io.postbridge.core.otp.OtpRepository;
import io.postbridge.core.otp.OtpService;
import io.postbridge.core.ratelimit.AccountRateLimits;
import io.postbridge.core.secrets.MasterKeyRotation;
import io.postbridge.core.secrets.MasterKeys;
import io.postbridge.core.consent.ConsentService;
import io.postbridge.core.consent.Invitations;
import io.postbridge.core.webhooks.Webhooks;
import io.postbridge.core.suppression.BounceOutcomes;
import io.postbridge.core.suppression.SuppressionList;
import io.postbridge.core.verp.VerpReturnPaths;

/**
 * The one Guice module an operator lists in {@code conf/extensions.properties}
 * ({@code guice.extension.module=io.postbridge.auth.PostbridgeModule}). It binds the {@code core} singletons that
 * Postbridge's mailets, matchers, SMTP hooks and WebAdmin routes receive through {@code @Inject}.
 */
public class PostbridgeModule extends AbstractModule {

    @Override
    protected void configure() {
        // How accounts deliver (Gmail / Graph): the account store, then accounts held in memory (see providerAccounts)
        bind(InMemoryProviderAccounts.class).in(Scopes.SINGLETON);

        // accounts, API keys, secrets, rate limits: the store built from conf/postbridge.properties
        bind(PostbridgeBackendHolder.class).in(Scopes.SINGLETON);

        // alias forwarding: run-time aliases (the store, see aliases()), James's users and domains,
        // and the AliasForward element of mailetcontainer.xml read once for the mailet, the RCPT hook and WebAdmin
        bind(JamesLocalMailboxes.class).in(Scopes.SINGLETON);
        bind(LocalMailboxes.class).to(JamesLocalMailboxes.class);
        bind(MailetContainerAliasForwarding.class).in(Scopes.SINGLETON);
        bind(AliasForwardingSource.class).to(MailetContainerAliasForwarding.class);

        // DKIM: key tables, managed keys and their store, DNS checks (see DkimModule)
        install(new DkimModule());

        // the API (issue 17): mail into James's spool, the gRPC listener started with James (apiServer)
        bind(JamesMailSpool.class).in(Scopes.SINGLETON);
        bind(MailSpool.class).to(JamesMailSpool.class);
        // started by James after its own services: guice.extension.startable in conf/extensions.properties
        bind(GrpcListener.class).in(Scopes.SINGLETON);

        // the public web listener (consent.* in postbridge.properties) and the routes it serves; James starts it
        // after its own services through guice.extension.startable in extensions.properties
        bind(PublicWebListener.class).in(Scopes.SINGLETON);
        Multibinder.newSetBinder(binder(), PublicWebRoutes.class).addBinding().to(ConnectRoutes.class);
        // the HTTPS JSON variant of the API (issue 17) on the same listener
        Multibinder.newSetBinder(binder(), PublicWebRoutes.class).addBinding().to(ApiHttpRoutes.class);

        // observability (issue 18): metrics through James's MetricFactory/GaugeRegistry, gauges and the console's
        // activity line started by James (guice.extension.startable); health checks: conf/healthcheck.properties
        bind(JamesPostbridgeMetrics.class).in(Scopes.SINGLETON);
        bind(PostbridgeObservability.class).in(Scopes.SINGLETON);
    }

    /** Counters, timers and gauges of every Postbridge component, counted for the console's activity line too. */
    @Provides
    @Singleton
    ActivitySummary activitySummary(JamesPostbridgeMetrics james) {
        return new ActivitySummary(james);
    }

    @Provides
    @Singleton
    PostbridgeMetrics metrics(ActivitySummary summary) {
        return summary;
    }

    /** The consent flow (GET /connect/... on the public listener): accounts from the store, events in the event log. */
    @Provides
    @Singleton
    ConsentService consent(PostbridgeBackendHolder holder, DomainList domains, Invitations invitations) {
        return ConsentFlows.create(holder, domains, invitations);
    }

    /** Signed invitation links (consent.mode=invitation), issued by WebAdmin's /postbridge/consent/invitations. */
    @Provides
    @Singleton
    Invitations invitations(PostbridgeBackend backend) {
        return ConsentFlows.invitations(backend.secretVault(), java.time.Clock.systemUTC());
    }

    /**
     * Delivery settings: stored accounts ({@code PUT /postbridge/accounts/{name}/provider}) and Microsoft pass-through
     * sessions first, then the in-memory ones ({@code /postbridge/provider-accounts}, for trials and tests).
     */
    @Provides
    @Singleton
    ProviderAccounts providerAccounts(PostbridgeBackend backend, InMemoryProviderAccounts memory) {
        return new ChainedProviderAccounts(new StoreProviderAccounts(backend.accounts(), backend.providerSettings(),
            backend.secretVault(), backend.microsoft(), java.util.Optional.of(backend.upstreamTokens())), memory);
    }

    /** The SMTP delivery mailets' connection pools, listed by WebAdmin (SmtpPoolRoutes). */
    @Provides
    @Singleton
    io.postbridge.core.delivery.smtp.SmtpPools smtpPools() {
        return new io.postbridge.core.delivery.smtp.SmtpPools();
    }

    /** SmtpDelivery's server-wide default relay (smtp.relay.* in postbridge.properties). */
    @Provides
    @Singleton
    io.postbridge.core.delivery.smtp.SmtpRelaySettings smtpRelay(PostbridgeBackendHolder holder) {
        return holder.settings().smtpRelay();
    }

    /** Run-time aliases (WebAdmin /postbridge/aliases), kept in the store: they survive restarts, nodes share them. */
    @Provides
    @Singleton
    AliasRepository aliases(PostbridgeBackend backend) {
        return backend.aliases();
    }

    /** Mail events, kept in the store (events.retention in conf/postbridge.properties): listed by MailEventRoutes. */
    @Provides
    @Singleton
    MailEventLog events(PostbridgeBackend backend) {
        return backend.events();
    }

    /** Webhook endpoints and their delivery logs (WebhookRoutes); the outbox is sent by the backend's dispatcher. */
    @Provides
    @Singleton
    Webhooks webhooks(PostbridgeBackend backend) {
        return backend.webhooks();
    }

    /** The server's one token cache: SMTP AUTH of Microsoft pass-through apps and API delivery share it. */
    @Provides
    @Singleton
    TokenCache tokens(PostbridgeBackend backend) {
        return backend.tokens();
    }

    // The narrow services hooks and routes take in their constructors: each says what it uses, none gets the backend.

    /** SMTP AUTH: API keys, Microsoft pass-through, throttling (ApiKeyAuthHook). */
    @Provides
    @Singleton
    SmtpAuthenticator authenticator(PostbridgeBackend backend) {
        return backend.authenticator();
    }

    /** Allowed senders and From override (SenderPolicyHook). */
    @Provides
    @Singleton
    SenderPolicy senderPolicy(PostbridgeBackend backend) {
        return backend.senderPolicy();
    }

    /** Devices by IP range, cached (TrustedNetworkHook). */
    @Provides
    @Singleton
    TrustedNetworks trustedNetworks(PostbridgeBackend backend) {
        return backend.trustedNetworks();
    }

    @Provides
    @Singleton
    AccountRepository accounts(PostbridgeBackend backend) {
        return backend.accounts();
    }

    /** The suppression list of bounce handling (SuppressionRoutes, SuppressedRecipientHook). */
    @Provides
    @Singleton
    SuppressionList suppressions(PostbridgeBackend backend) {
        return backend.suppressions();
    }

    /** What bounces and delivery results do to the suppression list (HandleBounce, SuppressionFeedback). */
    @Provides
    @Singleton
    BounceOutcomes bounceOutcomes(PostbridgeBackend backend) {
        return backend.bounceOutcomes();
    }

    /** VERP return paths when verp.enabled (VerpReturnPath, HandleBounce, AliasRecipientHook). */
    @Provides
    @Singleton
    VerpReturnPaths verp(PostbridgeBackend backend) {
        return backend.verp();
    }

    /** Per-account message and recipient limits (RateLimitHook, AccountRoutes). */
    @Provides
    @Singleton
    AccountRateLimits rateLimits(PostbridgeBackend backend) {
        return backend.rateLimits();
    }

    /** What WebAdmin does to accounts, with its rules (AccountRoutes). */
    @Provides
    @Singleton
    AccountAdministration accountAdministration(PostbridgeBackend backend) {
        return backend.accountAdministration();
    }

    @Provides
    @Singleton
    ApiKeys apiKeys(PostbridgeBackend backend) {
        return backend.apiKeys();
    }

    /** The keys that encrypt secrets at rest, and their rotation (MasterKeyRoutes). */
    @Provides
    @Singleton
    MasterKeys masterKeys(PostbridgeBackend backend) {
        return backend.masterKeys();
    }

    @Provides
    @Singleton
    MasterKeyRotation masterKeyRotation(PostbridgeBackend backend) {
        return backend.rotation();
    }

    /** The managed DKIM keys' schedule from postbridge.properties (DkimModule). */
    @Provides
    @Singleton
    DkimRotationSettings dkimRotation(PostbridgeBackend backend) {
        return backend.dkimRotation();
    }

    /** API calls' keys, checked like SMTP AUTH (gRPC listener, HTTPS API). */
    @Provides
    @Singleton
    ApiAuthentication apiAuthentication(PostbridgeBackend backend) {
        return backend.apiAuthentication();
    }

    /** API mail (SendMail, OTP code mails): the account's policy and limits, then James's spool. */
    @Provides
    @Singleton
    MailSubmission mailSubmission(PostbridgeBackend backend, MailSpool spool) {
        return new MailSubmission(backend.senderPolicy(), backend.rateLimits(), backend.idempotencyKeys(), spool, backend.events(),
            Clock.systemUTC());
    }

    @Provides
    @Singleton
    OtpService otp(PostbridgeBackend backend, MailSubmission mail) {
        return new OtpService(backend.otpCodes(), backend.keyHasher(), mail, backend.events(), backend.otpSettings(), Clock.systemUTC(),
            new SecureRandom());
    }

    /** One-time codes and their mail templates (OtpTemplateRoutes). */
    @Provides
    @Singleton
    OtpRepository otpCodes(PostbridgeBackend backend) {
        return backend.otpCodes();
    }

    @Provides
    @Singleton
    ApiListenerSettings grpcSettings(PostbridgeBackend backend) {
        return backend.grpcSettings();
    }

    /** The store (accounts, keys, secrets) and the services on it, built from conf/postbridge.properties. */
    @Provides
    @Singleton
    PostbridgeBackend backend(PostbridgeBackendHolder holder) {
        return holder.backend();
    }
}
