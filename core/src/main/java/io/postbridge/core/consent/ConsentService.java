package io.postbridge.core.consent;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.postbridge.core.consent.ConsentOutcome.Kind;
import io.postbridge.core.events.MailEvent;
import io.postbridge.core.events.MailEventLog;
import io.postbridge.core.events.MailEventType;
import io.postbridge.core.settings.ConsentSettings;

/**
 * The consent flow from the start link to the outcome: {@link #start} makes the attempt (state, PKCE, browser cookie)
 * and the provider's authorize URL; {@link #callback} checks the state against the cookie, redeems the code once,
 * checks the granted scopes and the identity the provider asserts, and connects the account. Every refusal revokes
 * what the provider granted, so no half-made grant stays behind.
 */
public final class ConsentService {
    private static final Logger LOGGER = LoggerFactory.getLogger(ConsentService.class);

    private final ConsentSettings settings;
    private final ConsentClients clients;
    private final ConsentStates states;
    private final ProviderCalls calls;
    private final ConsentAccounts accounts;
    private final MailEventLog events;
    private final Supplier<Set<String>> serverDomains;
    private final Optional<Invitations> invitations;
    private final Clock clock;

    public ConsentService(ConsentSettings settings, ConsentClients clients, ConsentStates states, ProviderCalls calls,
                          ConsentAccounts accounts, MailEventLog events, Supplier<Set<String>> serverDomains,
                          Optional<Invitations> invitations, Clock clock) {
        this.settings = Objects.requireNonNull(settings);
        this.clients = Objects.requireNonNull(clients);
        this.states = Objects.requireNonNull(states);
        this.calls = Objects.requireNonNull(calls);
        this.accounts = Objects.requireNonNull(accounts);
        this.events = Objects.requireNonNull(events);
        this.serverDomains = Objects.requireNonNull(serverDomains);
        this.invitations = Objects.requireNonNull(invitations);
        this.clock = Objects.requireNonNull(clock);
    }

    public static ConsentService create(ConsentSettings settings, ConsentClients clients, ConsentStateRepository states,
                                        ConsentAccounts accounts, MailEventLog events, Supplier<Set<String>> serverDomains,
                                        Optional<Invitations> invitations, Clock clock) {
        return new ConsentService(settings, clients, new ConsentStates(states, clock, settings.stateLifetime(), new SecureRandom()),
            new ProviderCalls(java.time.Duration.ofSeconds(20)), accounts, events, serverDomains, invitations, clock);
    }

    public ConsentSettings settings() {
        return settings;
    }

    /** Each provider's OAuth client (WebAdmin's stored one, else postbridge.properties'). */
    public ConsentClients clients() {
        return clients;
    }

    /** Where to send the browser, and the cookie to set (the same value again when the browser already had one). */
    public static final class Start {
        private final URI authorizeUrl;
        private final String browserCookie;

        Start(URI authorizeUrl, String browserCookie) {
            this.authorizeUrl = authorizeUrl;
            this.browserCookie = browserCookie;
        }

        public URI authorizeUrl() {
            return authorizeUrl;
        }

        public String browserCookie() {
            return browserCookie;
        }
    }

    /**
     * @param loginHint only passed on to the provider as a hint (the identity always comes from the provider)
     * @return the start, or the problem page (provider not configured, invitation needed or invalid)
     */
    public StartOrProblem start(ConsentProvider provider, Optional<String> browserCookie, Optional<String> loginHint,
                                Optional<String> invitationToken) {
        Optional<OAuthClient> client = clients.client(provider);
        if (client.isEmpty()) {
            return StartOrProblem.problem(ConsentOutcome.problem(Kind.NOT_CONFIGURED, provider, Optional.empty(), Optional.empty()));
        }
        Optional<Invitations.Invitation> invitation = invitationToken.flatMap(token -> invitations.flatMap(i -> i.verify(token)));
        if (settings.mode() == ConsentSettings.Mode.INVITATION && invitation.isEmpty()) {
            return StartOrProblem.problem(ConsentOutcome.problem(Kind.NOT_INVITED, provider, Optional.empty(), Optional.empty()));
        }
        String cookie = browserCookie.filter(c -> c.matches("[A-Za-z0-9_-]{43}")).orElseGet(states::randomToken);
        Optional<String> hint = loginHint.map(String::trim).filter(h -> h.length() <= 254 && h.matches("[^\\s<>\"]+@[^\\s<>\"]+"))
            .or(() -> invitation.flatMap(Invitations.Invitation::mailbox));
        Pkce pkce = Pkce.generate(new SecureRandom());
        String state = states.begin(provider, cookie, pkce, hint, invitation);
        Map<String, String> query = new LinkedHashMap<>();
        query.put("client_id", client.get().clientId());
        query.put("redirect_uri", client.get().redirectUri().toString());
        query.put("response_type", "code");
        query.put("scope", String.join(" ", client.get().scopes()));
        query.put("state", state);
        query.put("code_challenge", pkce.challenge());
        query.put("code_challenge_method", "S256");
        if (provider == ConsentProvider.GOOGLE) {
            query.put("access_type", "offline");
            query.put("prompt", "consent");
            query.put("include_granted_scopes", "true");
        } else {
            query.put("response_mode", "query"); // a SameSite=Lax cookie does not ride a cross-site form_post
            query.put("prompt", "select_account");
        }
        hint.ifPresent(h -> query.put("login_hint", h));
        return StartOrProblem.start(new Start(URI.create(client.get().authorize() + "?" + ProviderCalls.form(query)), cookie));
    }

    public static final class StartOrProblem {
        private final Start start;
        private final ConsentOutcome problem;

        private StartOrProblem(Start start, ConsentOutcome problem) {
            this.start = start;
            this.problem = problem;
        }

        static StartOrProblem start(Start start) {
            return new StartOrProblem(start, null);
        }

        static StartOrProblem problem(ConsentOutcome problem) {
            return new StartOrProblem(null, problem);
        }

        public Optional<Start> started() {
            return Optional.ofNullable(start);
        }

        public Optional<ConsentOutcome> problem() {
            return Optional.ofNullable(problem);
        }
    }

    /** Handles the provider's redirect back; the browser cookie must be the one set by {@link #start}. */
    public ConsentOutcome callback(ConsentProvider provider, Map<String, String> query, Optional<String> browserCookie) {
        ConsentOutcome outcome = handle(provider, query, browserCookie);
        record(outcome);
        return outcome;
    }

    private ConsentOutcome handle(ConsentProvider provider, Map<String, String> query, Optional<String> browserCookie) {
        Optional<OAuthClient> configured = clients.client(provider);
        if (configured.isEmpty()) {
            return problem(Kind.NOT_CONFIGURED, provider, Optional.empty(), Optional.empty());
        }
        OAuthClient client = configured.get();
        ConsentStates.Result result = states.consume(provider, query.get("state"), browserCookie);
        if (result.refusal().isPresent()) {
            return problem(result.refusal().get() == ConsentStates.Refusal.USED ? Kind.LINK_USED : Kind.LINK_EXPIRED, provider,
                Optional.empty(), Optional.empty());
        }
        ConsentStates.Attempt attempt = result.attempt().orElseThrow();
        String error = query.getOrDefault("error", "");
        String description = query.getOrDefault("error_description", "");
        if (!error.isEmpty()) {
            Optional<String> text = AadstsMessages.sentence(description).or(() -> Optional.of(description).filter(d -> !d.isEmpty()));
            if ("access_denied".equals(error) || "consent_required".equals(error)) {
                return problem(Kind.DENIED, provider, attempt.loginHint(), text);
            }
            return problem(Kind.PROVIDER_ERROR, provider, attempt.loginHint(), text.or(() -> Optional.of(error)));
        }
        String code = query.getOrDefault("code", "");
        if (code.isEmpty()) {
            return problem(Kind.PROVIDER_ERROR, provider, attempt.loginHint(), Optional.of("the provider sent no authorization code"));
        }
        ProviderCalls.Grant grant;
        try {
            grant = calls.redeem(client, code, attempt.pkce());
        } catch (ProviderCalls.ProviderError e) {
            String described = e.description();
            if ("invalid_grant".equals(e.error()) && (described.contains("already redeemed") || "54005".equals(AadstsMessages.code(described).orElse("")))) {
                return problem(Kind.LINK_USED, provider, attempt.loginHint(), Optional.empty());
            }
            LOGGER.warn("Postbridge consent: {} refused the code exchange: {}", provider.displayName(), e.getMessage());
            return problem(Kind.PROVIDER_ERROR, provider, attempt.loginHint(),
                AadstsMessages.sentence(described).or(() -> Optional.of(described.isEmpty() ? e.error() : described)));
        } catch (ProviderCalls.ProviderDown e) {
            LOGGER.warn("Postbridge consent: {} token endpoint unavailable: {}", provider.displayName(), e.getMessage());
            return problem(Kind.PROVIDER_DOWN, provider, attempt.loginHint(), Optional.empty());
        }
        ProviderCalls.Identity identity;
        try {
            identity = calls.identity(client, grant.accessToken());
        } catch (ProviderCalls.ProviderError e) {
            revoke(client, grant.refreshToken().orElse(grant.accessToken()));
            return problem(Kind.PROVIDER_ERROR, provider, attempt.loginHint(), Optional.of(e.description().isEmpty() ? e.error() : e.description()));
        } catch (ProviderCalls.ProviderDown e) {
            revoke(client, grant.refreshToken().orElse(grant.accessToken()));
            LOGGER.warn("Postbridge consent: {} identity endpoint unavailable: {}", provider.displayName(), e.getMessage());
            return problem(Kind.PROVIDER_DOWN, provider, attempt.loginHint(), Optional.empty());
        }
        Optional<String> mailbox = Optional.of(identity.mailbox());
        if (!sendScopeGranted(client, grant)) {
            revoke(client, grant.refreshToken().orElse(grant.accessToken()));
            return problem(Kind.SEND_SCOPE_MISSING, provider, mailbox, Optional.empty());
        }
        String domain = identity.mailbox().substring(identity.mailbox().lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
        Set<String> allowed = settings.allowedDomains().isEmpty()
            ? serverDomains.get().stream().map(d -> d.toLowerCase(Locale.ROOT)).collect(Collectors.toSet()) : settings.allowedDomains();
        if (!allowed.contains(domain)) {
            revoke(client, grant.refreshToken().orElse(grant.accessToken()));
            return problem(Kind.DOMAIN_NOT_ALLOWED, provider, mailbox, Optional.empty());
        }
        if (attempt.invitation().flatMap(Invitations.Invitation::mailbox).filter(m -> !m.equalsIgnoreCase(identity.mailbox())).isPresent()) {
            revoke(client, grant.refreshToken().orElse(grant.accessToken()));
            return problem(Kind.NOT_INVITED, provider, mailbox, Optional.empty());
        }
        if (grant.refreshToken().isEmpty()) {
            revoke(client, grant.accessToken()); // so the next consent returns a refresh token again
            return problem(Kind.NO_REFRESH_TOKEN, provider, mailbox, Optional.empty());
        }
        ConsentAccounts.Connected connected;
        try {
            connected = accounts.connect(client, identity, grant.refreshToken().get(), grant.tenantId(), settings.pinIdentity());
        } catch (ConsentAccounts.IdentityMismatch e) {
            revoke(client, grant.refreshToken().get());
            return problem(Kind.IDENTITY_MISMATCH, provider, mailbox, Optional.empty());
        }
        connected.previousRefreshToken().ifPresent(old -> revoke(client, old));
        LOGGER.info("Postbridge consent: {} connected through {} as account '{}' ({}; {} older key(s) revoked{})", identity.mailbox(),
            provider.displayName(), connected.account().name(), connected.created() ? "new account" : "existing account",
            connected.revokedKeys(), connected.repairedConsent() ? "; re-consent flag cleared" : "");
        return ConsentOutcome.connected(provider, connected, identity.mailbox());
    }

    /** Exact token test: "gmail.send" must be one of the granted scopes, not a substring of one. */
    static boolean sendScopeGranted(OAuthClient client, ProviderCalls.Grant grant) {
        if (client.provider() == ConsentProvider.MICROSOFT) {
            // Microsoft may omit scope from the token response; the token then carries what was requested
            return grant.scopes().isEmpty() || grant.scopes().stream()
                .anyMatch(s -> s.equalsIgnoreCase(OAuthClient.GRAPH_MAIL_SEND) || s.equalsIgnoreCase("Mail.Send"));
        }
        return grant.scopes().contains(OAuthClient.GMAIL_SEND);
    }

    private void revoke(OAuthClient client, String token) {
        try {
            calls.revoke(client, token);
        } catch (ProviderCalls.ProviderError | ProviderCalls.ProviderDown e) {
            LOGGER.warn("Postbridge consent: could not revoke a {} grant we do not keep: {}", client.provider().displayName(), e.getMessage());
        }
    }

    private static ConsentOutcome problem(Kind kind, ConsentProvider provider, Optional<String> mailbox, Optional<String> text) {
        return ConsentOutcome.problem(kind, provider, mailbox, text);
    }

    private void record(ConsentOutcome outcome) {
        MailEventType type = outcome.kind() == Kind.CONNECTED ? MailEventType.CONNECTED
            : outcome.kind() == Kind.RECONNECTED ? MailEventType.RECONNECTED : MailEventType.CONSENT_FAILED;
        Optional<String> account = outcome.connected().map(c -> c.account().name());
        String detail = outcome.provider().pathName() + ": " + outcome.kind().name().toLowerCase(Locale.ROOT).replace('_', '-')
            + outcome.connected().map(c -> ", key " + c.key().keyId() + " issued, " + c.revokedKeys() + " older key(s) revoked"
                + (c.repairedConsent() ? ", re-consent flag cleared" : "")).orElse("");
        try {
            events.record(MailEvent.builder(type, "consent-" + outcome.provider().pathName()).at(clock.instant())
                .sender(outcome.mailbox()).account(account).detail(detail).build());
        } catch (RuntimeException e) {
            LOGGER.warn("Postbridge consent: could not record the {} event: {}", type.wireName(), e.getMessage());
        }
    }
}
