package io.postbridge.core.oauth;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;

import com.microsoft.aad.msal4j.ClientCredentialFactory;
import com.microsoft.aad.msal4j.ConfidentialClientApplication;
import com.microsoft.aad.msal4j.MsalServiceException;

/**
 * Where and how Postbridge asks Microsoft Entra for tokens: the authority (default
 * {@code https://login.microsoftonline.com/}), an optional base URL all identity requests are redirected to (a local
 * fake in tests), the scope, and the shared HTTP client and executor. Builds the msal4j applications.
 */
public final class MicrosoftIdentity {
    public static final URI DEFAULT_AUTHORITY = URI.create("https://login.microsoftonline.com/");
    public static final String GRAPH_SCOPE = "https://graph.microsoft.com/.default";

    private final URI authority;
    private final Optional<URI> redirectTo;
    private final Set<String> scopes;
    private final MsalHttpClient httpClient;
    private final ExecutorService executor;
    private final String issuer;

    public MicrosoftIdentity(URI authority, Optional<URI> redirectTo, String scope, HttpClient http, Duration timeout,
                             ExecutorService executor) {
        if (!"https".equalsIgnoreCase(authority.getScheme())) {
            throw new IllegalArgumentException("the Microsoft authority must be an https URL (msal4j refuses anything else),"
                + " was '" + authority + "'; to use a local http fake, set the identity endpoint override instead");
        }
        this.authority = authority;
        this.redirectTo = Objects.requireNonNull(redirectTo);
        this.scopes = Set.of(scope);
        this.httpClient = new MsalHttpClient(http, redirectTo, timeout);
        this.executor = Objects.requireNonNull(executor);
        this.issuer = withoutTrailingSlash(authority.toString()) + "|" + redirectTo.map(uri -> withoutTrailingSlash(uri.toString())).orElse("")
            + "|" + scope;
    }

    /**
     * The {@link TokenCache} key of an app-only token. SMTP AUTH (pass-through) and delivery compute it the same
     * way, so one token serves both when they use the same authority, endpoint override and scope (the defaults do);
     * a different issuer or scope is a different token, so those take part in the key.
     * <p>
     * The secret enters only as the cache's keyed hash ({@link TokenCache#fingerprint}): a wrong secret is another
     * key, hence a cache miss and a real token request that Entra refuses. A cached token is never handed to a caller
     * that did not present the secret it was issued for.
     */
    public String appTokenKey(TokenCache cache, String tenant, String clientId, String clientSecret) {
        return "microsoft-app:" + issuer + ":" + tenant.toLowerCase(Locale.ROOT) + ":" + clientId.toLowerCase(Locale.ROOT)
            + ":" + cache.fingerprint(clientSecret);
    }

    /**
     * The {@link TokenCache} key of a delegated token of {@code account} for {@code mailbox}. Not the refresh token:
     * Microsoft rotates it on every use, so a key holding it would change after each token request (one request per
     * message). A new refresh token for the same mailbox (re-consent) may keep using a still valid cached token: it is
     * the same mailbox's, and if its grant was revoked Graph answers 401, which drops it and fetches with the new one.
     */
    public String delegatedTokenKey(TokenCache cache, String account, String tenant, String clientId, String clientSecret,
                                    String mailbox) {
        return "microsoft-user:" + issuer + ":" + account + ":" + tenant.toLowerCase(Locale.ROOT) + ":"
            + clientId.toLowerCase(Locale.ROOT) + ":" + mailbox.toLowerCase(Locale.ROOT) + ":" + cache.fingerprint(clientSecret);
    }

    private static String withoutTrailingSlash(String value) {
        return value.replaceAll("/+$", "");
    }

    public Set<String> scopes() {
        return scopes;
    }

    /** Builds an application offline (no request is made): proves msal4j loads. */
    public void selfCheck() {
        application("common", "00000000-0000-0000-0000-000000000000", "self-check");
    }

    ConfidentialClientApplication application(String tenant, String clientId, String clientSecret) {
        try {
            String base = authority.toString().endsWith("/") ? authority.toString() : authority + "/";
            return ConfidentialClientApplication.builder(clientId, ClientCredentialFactory.createFromSecret(clientSecret))
                .authority(base + tenant + "/")
                .instanceDiscovery(false)
                .validateAuthority(false)
                .httpClient(httpClient)
                .executorService(executor)
                .build();
        } catch (Exception e) {
            throw TokenException.rejected("invalid Microsoft authority or tenant '" + tenant + "': " + e.getMessage(), e);
        }
    }

    /** msal4j failures as {@link TokenException}s: 4xx (bad secret, unknown tenant) and revoked grants are permanent. */
    static TokenException classify(Throwable error, String what) {
        Throwable e = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (e instanceof TokenException) {
            return (TokenException) e;
        }
        if (e instanceof MsalServiceException) {
            MsalServiceException service = (MsalServiceException) e;
            String code = service.errorCode() == null ? "" : service.errorCode();
            Integer status = service.statusCode();
            String message = what + ": Entra answered " + (status == null ? "" : status + " ") + code + " "
                + firstLine(service.getMessage());
            if ("invalid_grant".equals(code) || "interaction_required".equals(code) || "consent_required".equals(code)) {
                return TokenException.reconsentNeeded(message, e);
            }
            if (status != null && status >= 400 && status < 500 && status != 408 && status != 429) {
                return TokenException.rejected(message, e);
            }
            return TokenException.transientFailure(message, e);
        }
        return TokenException.transientFailure(what + " failed: " + e, e);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        String line = newline < 0 ? message : message.substring(0, newline);
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }
}
