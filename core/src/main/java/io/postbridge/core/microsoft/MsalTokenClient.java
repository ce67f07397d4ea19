package io.postbridge.core.microsoft;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.microsoft.aad.msal4j.ClientCredentialFactory;
import com.microsoft.aad.msal4j.ClientCredentialParameters;
import com.microsoft.aad.msal4j.ConfidentialClientApplication;
import com.microsoft.aad.msal4j.MsalServiceException;

/**
 * App-only tokens from Microsoft Entra (client credentials) through msal4j. One msal4j application per
 * (tenant, client, secret), kept for a day after its last use, so its token cache serves every AUTH and every
 * mail of that app: one token request per app per token lifetime. Calls for one app are serialised, because
 * msal4j sends one request per concurrent cache miss.
 */
public final class MsalTokenClient implements MicrosoftTokenClient {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final URI authority;
    private final Set<String> scopes;
    private final JavaNetMsalHttpClient http;
    private final byte[] fingerprintKey = new byte[32];
    private final Cache<String, ConfidentialClientApplication> applications = CacheBuilder.newBuilder()
        .maximumSize(10_000).expireAfterAccess(Duration.ofHours(24)).build();

    /**
     * @param authority e.g. {@code https://login.microsoftonline.com/}; the tenant id is appended
     * @param tokenEndpointOverride tests only: where the requests really go
     */
    public MsalTokenClient(URI authority, String scope, Optional<URI> tokenEndpointOverride) {
        this.authority = Objects.requireNonNull(authority);
        this.scopes = Set.of(scope);
        this.http = new JavaNetMsalHttpClient(TIMEOUT, tokenEndpointOverride);
        new SecureRandom().nextBytes(fingerprintKey);
    }

    @Override
    public String accessToken(MicrosoftAppId app, String clientSecret) {
        String key = app.asString() + "/" + fingerprint(clientSecret);
        ConfidentialClientApplication application;
        try {
            application = applications.get(key, () -> build(app, clientSecret));
        } catch (ExecutionException e) {
            throw new Unavailable("cannot set up the Microsoft client: " + e.getCause().getMessage(), e.getCause());
        }
        synchronized (application) {
            try {
                return application.acquireToken(ClientCredentialParameters.builder(scopes).build())
                    .get(TIMEOUT.toMillis() + 5_000, TimeUnit.MILLISECONDS).accessToken();
            } catch (ExecutionException e) {
                throw translate(key, e.getCause());
            } catch (TimeoutException e) {
                throw new Unavailable("no answer from " + authority + " within " + TIMEOUT.toSeconds() + " s", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Unavailable("interrupted", e);
            }
        }
    }

    private ConfidentialClientApplication build(MicrosoftAppId app, String clientSecret) throws Exception {
        return ConfidentialClientApplication.builder(app.clientId(), ClientCredentialFactory.createFromSecret(clientSecret))
            .authority(authority.resolve(app.tenantId() + "/").toString())
            .instanceDiscovery(false)
            .httpClient(http)
            .logPii(false)
            .build();
    }

    private RuntimeException translate(String key, Throwable cause) {
        if (cause instanceof MsalServiceException) {
            MsalServiceException service = (MsalServiceException) cause;
            Integer status = service.statusCode();
            if (status != null && status >= 400 && status < 500 && status != 429) {
                applications.invalidate(key); // a wrong secret must not keep an application around
                return new InvalidCredentials(status + " " + service.errorCode() + ": " + firstLine(service.getMessage()));
            }
            return new Unavailable("Entra answered " + status + " " + service.errorCode(), cause);
        }
        return new Unavailable(cause == null ? "unknown error" : cause.getClass().getSimpleName() + ": " + firstLine(cause.getMessage()), cause);
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.split("\\R", 2)[0];
    }

    /** A per-process keyed hash: the cache key must not contain the secret. */
    private String fingerprint(String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(fingerprintKey, "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
