package io.postbridge.core.delivery.smtp;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.postbridge.core.oauth.GoogleRefreshTokenSource;
import io.postbridge.core.oauth.MicrosoftDelegatedTokenSource;
import io.postbridge.core.oauth.MicrosoftIdentity;
import io.postbridge.core.oauth.TokenCache;
import io.postbridge.core.oauth.TokenSource;

/**
 * The token sources of XOAUTH2 upstreams ({@code auth: xoauth2} of provider {@code smtp}), built on the same OAuth
 * clients as API delivery: the refresh-token grant of {@link GoogleRefreshTokenSource} (Google, or any token URL that
 * takes the standard RFC 6749 §6 form) and msal4j's {@link MicrosoftDelegatedTokenSource} (Microsoft 365). One per
 * server: the token libraries block, so their calls run on a few threads of their own.
 */
public final class UpstreamTokenSources implements AutoCloseable {
    private final TokenCache fingerprints;
    private final URI microsoftAuthority;
    private final Optional<URI> microsoftEndpoint;
    private final HttpClient http;
    private final Duration timeout;
    private final ExecutorService blockingCalls;
    /** One msal4j identity per scope (the scope is fixed per identity). */
    private final Map<String, MicrosoftIdentity> microsoft = new ConcurrentHashMap<>();

    /**
     * @param fingerprints the server's token cache, whose keyed hash stands for secrets in pool keys
     * @param microsoftAuthority Entra's authority ({@code microsoft.authority})
     * @param microsoftEndpoint where Entra requests go instead ({@code microsoft.tokenEndpointOverride}, a local fake)
     */
    public UpstreamTokenSources(TokenCache fingerprints, URI microsoftAuthority, Optional<URI> microsoftEndpoint, Duration timeout) {
        this.fingerprints = Objects.requireNonNull(fingerprints);
        this.microsoftAuthority = Objects.requireNonNull(microsoftAuthority);
        this.microsoftEndpoint = Objects.requireNonNull(microsoftEndpoint);
        this.timeout = Objects.requireNonNull(timeout);
        AtomicInteger threads = new AtomicInteger();
        this.blockingCalls = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "postbridge-smtp-token-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /**
     * The XOAUTH2 credentials of {@code account}'s upstream as a route needs them. Nothing is requested here: the
     * source is built and asked only when the pool has no valid token for these credentials.
     *
     * @param rotatedRefreshToken told when the token endpoint hands out a new refresh token (Microsoft does on every
     *                            use), so it can be stored
     */
    SmtpRoute.OAuth oauth(String account, SmtpUpstream.XOAuth2 settings, String username, Consumer<String> rotatedRefreshToken) {
        String credentialId;
        java.util.function.Supplier<TokenSource> build;
        switch (settings.server()) {
            case SmtpUpstream.XOAuth2.MICROSOFT:
                MicrosoftIdentity identity = microsoft.computeIfAbsent(settings.scope(), scope ->
                    new MicrosoftIdentity(microsoftAuthority, microsoftEndpoint, scope, http, timeout, blockingCalls));
                // not the refresh token: Microsoft rotates it on every use, and the pool key must not change with it
                credentialId = identity.delegatedTokenKey(fingerprints, account, settings.tenant().orElseThrow(), settings.clientId(),
                    settings.clientSecret(), username);
                build = () -> new MicrosoftDelegatedTokenSource(identity, settings.tenant().orElseThrow(), settings.clientId(),
                    settings.clientSecret(), settings.refreshToken(), rotatedRefreshToken);
                break;
            default:
                URI tokenUri = settings.server().equals(SmtpUpstream.XOAuth2.GOOGLE) ? GoogleRefreshTokenSource.DEFAULT_TOKEN_URI
                    : URI.create(settings.server());
                credentialId = "smtp-xoauth2:" + tokenUri + ":" + account + ":" + settings.clientId() + ":"
                    + fingerprints.fingerprint(settings.clientSecret()) + ":" + fingerprints.fingerprint(settings.refreshToken());
                build = () -> new GoogleRefreshTokenSource(tokenUri, settings.clientId(), settings.clientSecret(), settings.refreshToken(),
                    blockingCalls, rotatedRefreshToken);
        }
        return new SmtpRoute.OAuth(credentialId, () -> build.get().fetch());
    }

    @Override
    public void close() {
        blockingCalls.shutdownNow();
    }
}
