package io.postbridge.core.delivery;

import java.net.http.HttpClient;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import javax.mail.internet.AddressException;
import javax.mail.internet.InternetAddress;

import io.postbridge.core.oauth.AccessToken;
import io.postbridge.core.oauth.GoogleRefreshTokenSource;
import io.postbridge.core.oauth.MicrosoftAppTokenSource;
import io.postbridge.core.oauth.MicrosoftDelegatedTokenSource;
import io.postbridge.core.oauth.MicrosoftIdentity;
import io.postbridge.core.oauth.TokenCache;
import io.postbridge.core.oauth.TokenException;
import io.postbridge.core.oauth.TokenSource;
import io.postbridge.core.provider.gmail.GmailClient;
import io.postbridge.core.provider.graph.GraphClient;

/**
 * Delivers one message through its account's provider API, without blocking a thread: concurrency permits (per
 * account, and per mailbox as Graph allows 4 concurrent requests per app and mailbox), a cached token, the HTTP
 * call, one retry with a fresh token on 401. Returns what happened; retrying and bouncing are the caller's.
 */
public final class ApiSender implements AutoCloseable {
    private final ProviderAccounts accounts;
    private final ApiEndpoints endpoints;
    private final TokenCache tokens;
    private final ConcurrencyLimiter perAccount;
    private final ConcurrencyLimiter perMailbox;
    private final ExecutorService blockingCalls;
    private final GmailClient gmail;
    private final GraphClient graph;
    private final MicrosoftIdentity microsoft;
    private final Map<String, AtomicLong> tokenRequests = new ConcurrentHashMap<>();

    /** With a token cache of its own (tests; the server passes its shared one). */
    public ApiSender(ProviderAccounts accounts, ApiEndpoints endpoints, int perAccountLimit, int perMailboxLimit, Clock clock) {
        this(accounts, endpoints, new TokenCache(clock, TokenCache.DEFAULT_REFRESH_AHEAD, TokenCache.DEFAULT_MINIMUM_VALIDITY),
            perAccountLimit, perMailboxLimit, clock);
    }

    /**
     * @param tokens the server's token cache, shared with SMTP AUTH: a Microsoft pass-through app whose token AUTH
     *               just obtained is delivered with that token, without asking Entra again
     */
    public ApiSender(ProviderAccounts accounts, ApiEndpoints endpoints, TokenCache tokens, int perAccountLimit, int perMailboxLimit,
                     Clock clock) {
        this.accounts = Objects.requireNonNull(accounts);
        this.endpoints = Objects.requireNonNull(endpoints);
        this.tokens = Objects.requireNonNull(tokens);
        this.perAccount = new ConcurrencyLimiter(perAccountLimit);
        this.perMailbox = new ConcurrencyLimiter(perMailboxLimit);
        AtomicInteger threads = new AtomicInteger();
        // token libraries block; they get their own few threads (token requests are rare: one per account per hour)
        this.blockingCalls = Executors.newFixedThreadPool(4, runnable -> {
            Thread thread = new Thread(runnable, "postbridge-token-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        HttpClient http = HttpClient.newBuilder().connectTimeout(endpoints.connectTimeout()).build();
        FailureClassifier classifier = new FailureClassifier(clock);
        this.gmail = new GmailClient(http, endpoints.gmailBase(), endpoints.requestTimeout(), classifier);
        this.graph = new GraphClient(http, endpoints.graphBase(), endpoints.requestTimeout(), classifier,
            endpoints.graphSendMailLimit());
        this.microsoft = new MicrosoftIdentity(endpoints.microsoftAuthority(), endpoints.microsoftIdentityOverride(),
            endpoints.graphScope(), http, endpoints.requestTimeout(), blockingCalls);
    }

    public CompletableFuture<DeliveryOutcome> deliver(ProviderAccount account, OutgoingMail mail) {
        Optional<String> mailbox;
        try {
            mailbox = sendingMailbox(account, mail);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(DeliveryOutcome.permanentFailure(e.getMessage(), "5.1.7"));
        }
        String accountKey = account.account();
        String mailboxKey = account.kind() == ProviderAccount.Kind.GMAIL ? "gmail:" + account.account()
            : account.tenant().orElse("") + ":" + account.clientId().orElse("") + ":" + mailbox.orElse("").toLowerCase(Locale.ROOT);
        byte[] payload = EnvelopeRecipients.withBccForEnvelopeOnly(mail.content(), mail.recipients());
        return perAccount.acquire(accountKey)
            .thenCompose(a -> perMailbox.acquire(mailboxKey))
            .thenCompose(b -> attempt(account, mailbox, payload, true))
            .handle((outcome, error) -> {
                perMailbox.release(mailboxKey);
                perAccount.release(accountKey);
                DeliveryOutcome result = error == null ? outcome
                    : DeliveryOutcome.transientFailure("delivery failed unexpectedly: " + unwrap(error), Optional.empty());
                if (result.isReconsentNeeded()) {
                    accounts.reconsentNeeded(account.account(), result.detail());
                }
                return result;
            });
    }

    private CompletableFuture<DeliveryOutcome> attempt(ProviderAccount account, Optional<String> mailbox, byte[] payload,
                                                       boolean mayRetryUnauthorized) {
        String key = tokenKey(account);
        return tokens.token(key, () -> tokenSource(account))
            .thenCompose(token -> call(account, mailbox, token, payload)
                .thenCompose(call -> {
                    if (!call.isUnauthorized()) {
                        return CompletableFuture.completedFuture(call.outcome());
                    }
                    tokens.invalidate(key, token.value());
                    if (mayRetryUnauthorized) {
                        return attempt(account, mailbox, payload, false);
                    }
                    return CompletableFuture.completedFuture(DeliveryOutcome.reconsentNeeded(call.unauthorizedDetail()
                        + " even with a freshly issued token: the grant lacks the send permission or was revoked"));
                }))
            .exceptionally(error -> {
                Throwable cause = unwrap(error);
                if (cause instanceof TokenException) {
                    return DeliveryOutcome.tokenRefused(cause.getMessage(), (TokenException) cause);
                }
                return DeliveryOutcome.transientFailure("delivery failed: " + cause, Optional.empty());
            });
    }

    private CompletableFuture<ProviderCall> call(ProviderAccount account, Optional<String> mailbox, AccessToken token, byte[] payload) {
        if (account.kind() == ProviderAccount.Kind.GMAIL) {
            return gmail.send(token.value(), payload);
        }
        return graph.send(token.value(), mailbox.orElseThrow(), payload);
    }

    private TokenSource tokenSource(ProviderAccount account) {
        AtomicLong counter = tokenRequests.computeIfAbsent(account.account(), k -> new AtomicLong());
        TokenSource source;
        switch (account.kind()) {
            case GMAIL:
                source = new GoogleRefreshTokenSource(endpoints.googleTokenUri(), account.clientId().orElseThrow(),
                    account.clientSecret().orElseThrow(), account.refreshToken().orElseThrow(), blockingCalls,
                    rotated -> accounts.refreshTokenRotated(account.account(), rotated));
                break;
            case GRAPH_APP:
                source = new MicrosoftAppTokenSource(microsoft, account.tenant().orElseThrow(), account.clientId().orElseThrow(),
                    account.clientSecret().orElseThrow());
                break;
            case GRAPH_DELEGATED:
                source = new MicrosoftDelegatedTokenSource(microsoft, account.tenant().orElseThrow(),
                    account.clientId().orElseThrow(), account.clientSecret().orElseThrow(), account.refreshToken().orElseThrow(),
                    rotated -> accounts.refreshTokenRotated(account.account(), rotated));
                break;
            default:
                throw new IllegalArgumentException("account " + account.account() + " does not deliver through an API");
        }
        return () -> {
            counter.incrementAndGet();
            return source.fetch();
        };
    }

    /**
     * Which cached token serves this account. App-only tokens belong to the application: every account and every
     * pass-through session (and SMTP AUTH) using the same tenant, client and secret shares one. User tokens belong to
     * the account (Graph: and its mailbox, not its ever-rotating refresh token). Secrets enter only as the cache's
     * keyed hash, so a changed secret gets a new token.
     */
    private String tokenKey(ProviderAccount account) {
        switch (account.kind()) {
            case GRAPH_APP:
                return microsoft.appTokenKey(tokens, account.tenant().orElseThrow(), account.clientId().orElseThrow(),
                    account.clientSecret().orElseThrow());
            case GRAPH_DELEGATED:
                return microsoft.delegatedTokenKey(tokens, account.account(), account.tenant().orElseThrow(),
                    account.clientId().orElseThrow(), account.clientSecret().orElseThrow(), account.mailbox().orElseThrow());
            case GMAIL:
                return "gmail:" + endpoints.googleTokenUri() + ":" + account.account() + ":"
                    + tokens.fingerprint(account.refreshToken().orElseThrow());
            default:
                return "none:" + account.account();
        }
    }

    /** Graph sends from a mailbox: the account's, or else the envelope sender's. Gmail always sends as the token's user. */
    static Optional<String> sendingMailbox(ProviderAccount account, OutgoingMail mail) {
        if (account.kind() == ProviderAccount.Kind.GMAIL) {
            return Optional.empty();
        }
        if (account.mailbox().isPresent()) {
            return account.mailbox();
        }
        String sender = mail.sender().orElseThrow(() -> new IllegalArgumentException(
            "Graph account " + account.account() + " has no mailbox set and the message has no envelope sender to send from"));
        try {
            new InternetAddress(sender, true);
        } catch (AddressException e) {
            throw new IllegalArgumentException("envelope sender '" + sender + "' is not a mailbox Graph can send from");
        }
        return Optional.of(sender);
    }

    /**
     * Builds a Google credential and an msal4j application without contacting anyone, so that a broken installation
     * (a token library that cannot load next to the server's own libraries) fails at start-up, not at the first mail.
     */
    public void selfCheck() {
        new GoogleRefreshTokenSource(endpoints.googleTokenUri(), "self-check", "self-check", "self-check", blockingCalls, rt -> { });
        microsoft.selfCheck();
    }

    /** Token requests made so far for {@code account} (for tests and the benchmark). */
    public long tokenRequests(String account) {
        AtomicLong counter = tokenRequests.get(account);
        return counter == null ? 0 : counter.get();
    }

    public Map<String, Long> tokenRequestsByAccount() {
        Map<String, Long> copy = new java.util.TreeMap<>();
        tokenRequests.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    @Override
    public void close() {
        blockingCalls.shutdownNow();
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }


}
