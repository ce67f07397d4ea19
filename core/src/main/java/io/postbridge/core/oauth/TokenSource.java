package io.postbridge.core.oauth;

import java.util.concurrent.CompletableFuture;

/**
 * Asks a token endpoint for a new access token (one network request per call). Callers go through a
 * {@link TokenCache}, which decides when a request is needed.
 */
public interface TokenSource {
    /** Completes with the token, or exceptionally with a {@link TokenException}. */
    CompletableFuture<AccessToken> fetch();
}
