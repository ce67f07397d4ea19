package io.postbridge.core.oauth;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;

import com.microsoft.aad.msal4j.ClientCredentialParameters;
import com.microsoft.aad.msal4j.ConfidentialClientApplication;

/**
 * An app-only token (OAuth client credentials grant) for an Entra application, through msal4j's
 * {@link ConfidentialClientApplication}: used for stored Graph accounts and for the pass-through mode, where the
 * SMTP client authenticates with the application's own tenant, client id and secret.
 */
public final class MicrosoftAppTokenSource implements TokenSource {
    private final MicrosoftIdentity identity;
    private final String tenant;
    private final String clientId;
    private final String clientSecret;

    public MicrosoftAppTokenSource(MicrosoftIdentity identity, String tenant, String clientId, String clientSecret) {
        this.identity = Objects.requireNonNull(identity);
        this.tenant = Objects.requireNonNull(tenant);
        this.clientId = Objects.requireNonNull(clientId);
        this.clientSecret = Objects.requireNonNull(clientSecret);
    }

    @Override
    public CompletableFuture<AccessToken> fetch() {
        try {
            ConfidentialClientApplication app = identity.application(tenant, clientId, clientSecret);
            // skipCache: Postbridge's TokenCache decides when a new token is needed (msal4j's cache is not single-flight)
            return app.acquireToken(ClientCredentialParameters.builder(identity.scopes()).skipCache(true).build())
                .handle((result, error) -> {
                    if (error != null) {
                        throw MicrosoftIdentity.classify(error, "app token for client " + clientId + " in tenant " + tenant);
                    }
                    return new AccessToken(result.accessToken(), result.expiresOnDate().toInstant());
                });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(MicrosoftIdentity.classify(e, "app token for client " + clientId));
        }
    }
}
