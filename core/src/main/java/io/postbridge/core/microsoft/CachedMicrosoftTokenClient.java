package io.postbridge.core.microsoft;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import io.postbridge.core.oauth.MicrosoftAppTokenSource;
import io.postbridge.core.oauth.MicrosoftIdentity;
import io.postbridge.core.oauth.TokenCache;
import io.postbridge.core.oauth.TokenException;

/**
 * App-only tokens from Microsoft Entra (client credentials, msal4j) for SMTP AUTH, taken from the server's one
 * {@link TokenCache}: API delivery reads the same cache with the same key ({@link MicrosoftIdentity#appTokenKey}),
 * so a pass-through app costs one token request per token lifetime for all its AUTHs and all its mail, and
 * concurrent cold requests (several connections, or AUTH and delivery) collapse into one.
 * <p>
 * Why a cached token may answer an AUTH: the key holds a keyed hash of the secret, so only a client presenting the
 * secret Entra accepted (within the token's lifetime) gets a cache hit; any other secret is a miss and is checked by
 * Entra. A secret revoked in Entra keeps passing AUTH until the cached token expires (at most about an hour), which
 * grants nothing more than that token already does at Graph.
 */
public final class CachedMicrosoftTokenClient implements MicrosoftTokenClient, AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final TokenCache tokens;
    private final MicrosoftIdentity identity;
    private final ExecutorService executor;

    /**
     * @param authority e.g. {@code https://login.microsoftonline.com/}; the tenant id is appended
     * @param tokenEndpointOverride tests only: where the requests really go
     */
    public CachedMicrosoftTokenClient(TokenCache tokens, URI authority, String scope, Optional<URI> tokenEndpointOverride) {
        this.tokens = Objects.requireNonNull(tokens);
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "postbridge-entra-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
        this.identity = new MicrosoftIdentity(authority, tokenEndpointOverride, scope, http, TIMEOUT, executor);
    }

    @Override
    public String accessToken(MicrosoftAppId app, String clientSecret) {
        String key = identity.appTokenKey(tokens, app.tenantId(), app.clientId(), clientSecret);
        try {
            return tokens.token(key, () -> new MicrosoftAppTokenSource(identity, app.tenantId(), app.clientId(), clientSecret))
                .get(TIMEOUT.toMillis() + 5_000, TimeUnit.MILLISECONDS).value();
        } catch (ExecutionException e) {
            throw translate(e.getCause());
        } catch (TimeoutException e) {
            throw new Unavailable("no answer from Microsoft Entra within " + TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted", e);
        }
    }

    /** A refused secret, tenant or app (permanent) is wrong credentials; anything else may pass: try later. */
    private static RuntimeException translate(Throwable cause) {
        if (cause instanceof TokenException) {
            TokenException token = (TokenException) cause;
            return token.isPermanent() ? new InvalidCredentials(token.getMessage()) : new Unavailable(token.getMessage(), token);
        }
        return new Unavailable(cause == null ? "unknown error" : cause.toString(), cause);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
