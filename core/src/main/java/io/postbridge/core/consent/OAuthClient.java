package io.postbridge.core.consent;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One registered OAuth client (the operator's app at Google or Microsoft) and the endpoints it talks to. Every
 * endpoint is a setting, so staging and tests point them at fakes; the redirect URI is sent byte-identical in the
 * authorize and token requests, as both providers require.
 */
public final class OAuthClient {
    public static final String GMAIL_SEND = "https://www.googleapis.com/auth/gmail.send";
    public static final List<String> GOOGLE_SCOPES = List.of("openid", "email", GMAIL_SEND);
    public static final String GRAPH_MAIL_SEND = "https://graph.microsoft.com/Mail.Send";
    public static final List<String> MICROSOFT_SCOPES = List.of("openid", "email", "offline_access",
        "https://graph.microsoft.com/User.Read", GRAPH_MAIL_SEND);

    public static final URI GOOGLE_AUTHORIZE = URI.create("https://accounts.google.com/o/oauth2/v2/auth");
    public static final URI GOOGLE_TOKEN = URI.create("https://oauth2.googleapis.com/token");
    public static final URI GOOGLE_USERINFO = URI.create("https://www.googleapis.com/oauth2/v2/userinfo");
    public static final URI GOOGLE_REVOKE = URI.create("https://oauth2.googleapis.com/revoke");
    public static final String MICROSOFT_LOGIN = "https://login.microsoftonline.com/";
    public static final URI MICROSOFT_ME = URI.create("https://graph.microsoft.com/v1.0/me");

    private final ConsentProvider provider;
    private final String clientId;
    private final String clientSecret;
    private final URI authorize;
    private final URI token;
    private final URI identity;
    private final Optional<URI> revoke;
    private final String tenant;
    private final URI redirectUri;

    public OAuthClient(ConsentProvider provider, String clientId, String clientSecret, URI authorize, URI token, URI identity,
                       Optional<URI> revoke, String tenant, URI redirectUri) {
        this.provider = Objects.requireNonNull(provider);
        this.clientId = Objects.requireNonNull(clientId);
        this.clientSecret = Objects.requireNonNull(clientSecret);
        this.authorize = Objects.requireNonNull(authorize);
        this.token = Objects.requireNonNull(token);
        this.identity = Objects.requireNonNull(identity);
        this.revoke = Objects.requireNonNull(revoke);
        this.tenant = Objects.requireNonNull(tenant);
        this.redirectUri = Objects.requireNonNull(redirectUri);
    }

    /** The same endpoints with another client id and secret. */
    public OAuthClient withCredentials(String newClientId, String newClientSecret) {
        return new OAuthClient(provider, newClientId, newClientSecret, authorize, token, identity, revoke, tenant, redirectUri);
    }

    public ConsentProvider provider() {
        return provider;
    }

    public String clientId() {
        return clientId;
    }

    public String clientSecret() {
        return clientSecret;
    }

    public URI authorize() {
        return authorize;
    }

    public URI token() {
        return token;
    }

    /** Google userinfo or Graph /me: who signed in, as the provider asserts it. */
    public URI identity() {
        return identity;
    }

    /** Google's revoke endpoint; Microsoft has none for one grant. */
    public Optional<URI> revoke() {
        return revoke;
    }

    /** Microsoft tenant (common, organizations or an id); "" for Google. */
    public String tenant() {
        return tenant;
    }

    public URI redirectUri() {
        return redirectUri;
    }

    public List<String> scopes() {
        return provider == ConsentProvider.GOOGLE ? GOOGLE_SCOPES : MICROSOFT_SCOPES;
    }

    /** The scope without which the account cannot send: granular consent lets users untick it. */
    public String sendScope() {
        return provider == ConsentProvider.GOOGLE ? GMAIL_SEND : GRAPH_MAIL_SEND;
    }

    @Override
    public String toString() {
        return provider.pathName() + " client " + clientId + " (" + authorize + ")";
    }
}
