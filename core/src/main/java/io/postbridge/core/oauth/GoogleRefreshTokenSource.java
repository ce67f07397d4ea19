package io.postbridge.core.oauth;

import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

import com.google.api.client.http.HttpResponseException;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.auth.Retryable;
import com.google.auth.oauth2.UserCredentials;

/**
 * The OAuth refresh-token grant against Google's token endpoint, through google-auth-library's
 * {@link UserCredentials} ({@code POST token_uri} with {@code client_id, client_secret, refresh_token,
 * grant_type=refresh_token}). The endpoint is configurable so tests and staging point at a local fake.
 * The library call blocks, so it runs on {@code executor}, never on a delivery thread.
 */
public final class GoogleRefreshTokenSource implements TokenSource {
    public static final URI DEFAULT_TOKEN_URI = URI.create("https://oauth2.googleapis.com/token");
    private static final NetHttpTransport TRANSPORT = new NetHttpTransport();

    private final UserCredentials credentials;
    private final String refreshToken;
    private final Executor executor;
    private final Consumer<String> rotatedRefreshToken;

    /**
     * @param rotatedRefreshToken told when Google returns a different refresh token, so it can be stored
     */
    public GoogleRefreshTokenSource(URI tokenUri, String clientId, String clientSecret, String refreshToken,
                                    Executor executor, Consumer<String> rotatedRefreshToken) {
        this.refreshToken = Objects.requireNonNull(refreshToken);
        this.credentials = UserCredentials.newBuilder()
            .setClientId(Objects.requireNonNull(clientId))
            .setClientSecret(Objects.requireNonNull(clientSecret))
            .setRefreshToken(refreshToken)
            .setTokenServerUri(Objects.requireNonNull(tokenUri))
            .setHttpTransportFactory(() -> TRANSPORT)
            .build();
        this.executor = Objects.requireNonNull(executor);
        this.rotatedRefreshToken = Objects.requireNonNull(rotatedRefreshToken);
    }

    @Override
    public CompletableFuture<AccessToken> fetch() {
        return CompletableFuture.supplyAsync(() -> {
            try {
                com.google.auth.oauth2.AccessToken token = credentials.refreshAccessToken();
                String current = credentials.getRefreshToken();
                if (current != null && !current.equals(refreshToken)) {
                    rotatedRefreshToken.accept(current);
                }
                Instant expiresAt = token.getExpirationTime() == null
                    ? Instant.now().plusSeconds(3600) : token.getExpirationTime().toInstant();
                return new AccessToken(token.getTokenValue(), expiresAt);
            } catch (IOException e) {
                throw classify(e);
            } catch (RuntimeException e) {
                throw TokenException.transientFailure("Google token request failed: " + e, e);
            }
        }, executor);
    }

    static TokenException classify(IOException e) {
        HttpResponseException http = cause(e, HttpResponseException.class);
        String content = http == null || http.getContent() == null ? "" : http.getContent();
        if (content.contains("invalid_grant")) {
            return TokenException.reconsentNeeded("Google refused the refresh token (invalid_grant): the account must consent"
                + " again. " + errorDescription(content), e);
        }
        if (http != null && http.getStatusCode() >= 400 && http.getStatusCode() < 500
            && http.getStatusCode() != 408 && http.getStatusCode() != 429) {
            return TokenException.rejected("Google token endpoint answered " + http.getStatusCode() + ": "
                + errorDescription(content), e);
        }
        boolean retryable = !(e instanceof Retryable) || ((Retryable) e).isRetryable() || http == null;
        if (!retryable) {
            return TokenException.rejected("Google token request failed: " + e.getMessage(), e);
        }
        return TokenException.transientFailure("Google token request failed: "
            + (http != null ? "HTTP " + http.getStatusCode() : e.toString()), e);
    }

    /** The error code and description only: a token endpoint's body never contains a secret, but keep it short. */
    private static String errorDescription(String content) {
        String oneLine = content.replaceAll("\\s+", " ").trim();
        return oneLine.length() > 300 ? oneLine.substring(0, 300) + "..." : oneLine;
    }

    private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
