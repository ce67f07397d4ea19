package io.postbridge.core.oauth;

import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.aad.msal4j.ConfidentialClientApplication;
import com.microsoft.aad.msal4j.RefreshTokenParameters;

/**
 * A delegated token for a mailbox whose owner consented ({@code Mail.Send} on behalf of the user), redeemed from its
 * stored refresh token through msal4j. Microsoft rotates refresh tokens on every use, so the new one is handed to
 * {@code rotatedRefreshToken} to be stored; {@code invalid_grant} means the user must consent again.
 */
public final class MicrosoftDelegatedTokenSource implements TokenSource {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MicrosoftIdentity identity;
    private final String tenant;
    private final String clientId;
    private final String clientSecret;
    private final String refreshToken;
    private final Consumer<String> rotatedRefreshToken;

    public MicrosoftDelegatedTokenSource(MicrosoftIdentity identity, String tenant, String clientId, String clientSecret,
                                         String refreshToken, Consumer<String> rotatedRefreshToken) {
        this.identity = Objects.requireNonNull(identity);
        this.tenant = Objects.requireNonNull(tenant);
        this.clientId = Objects.requireNonNull(clientId);
        this.clientSecret = Objects.requireNonNull(clientSecret);
        this.refreshToken = Objects.requireNonNull(refreshToken);
        this.rotatedRefreshToken = Objects.requireNonNull(rotatedRefreshToken);
    }

    @Override
    public CompletableFuture<AccessToken> fetch() {
        try {
            ConfidentialClientApplication app = identity.application(tenant, clientId, clientSecret);
            return app.acquireToken(RefreshTokenParameters.builder(identity.scopes(), refreshToken).build())
                .handle((result, error) -> {
                    if (error != null) {
                        throw MicrosoftIdentity.classify(error, "delegated token for client " + clientId);
                    }
                    newRefreshToken(app.tokenCache().serialize()).filter(rt -> !rt.equals(refreshToken))
                        .ifPresent(rotatedRefreshToken);
                    return new AccessToken(result.accessToken(), result.expiresOnDate().toInstant());
                });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(MicrosoftIdentity.classify(e, "delegated token for client " + clientId));
        }
    }

    /** msal4j keeps the rotated refresh token only in its cache: read it from the cache's JSON form. */
    static java.util.Optional<String> newRefreshToken(String serializedCache) {
        try {
            JsonNode tokens = JSON.readTree(serializedCache).path("RefreshToken");
            for (Iterator<JsonNode> it = tokens.elements(); it.hasNext(); ) {
                String secret = it.next().path("secret").asText("");
                if (!secret.isEmpty()) {
                    return java.util.Optional.of(secret);
                }
            }
        } catch (Exception e) {
            // an unreadable cache only means we cannot store a rotation; the old refresh token may still work
        }
        return java.util.Optional.empty();
    }
}
