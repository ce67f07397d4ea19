package io.postbridge.core.delivery;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

import io.postbridge.core.oauth.GoogleRefreshTokenSource;
import io.postbridge.core.oauth.MicrosoftIdentity;
import io.postbridge.core.provider.gmail.GmailClient;
import io.postbridge.core.provider.graph.GraphClient;

/**
 * Where the provider APIs are and how long to wait for them. Every endpoint can be changed, so tests and staging
 * point at local fakes; the defaults are the real services.
 */
public final class ApiEndpoints {
    private URI googleTokenUri = GoogleRefreshTokenSource.DEFAULT_TOKEN_URI;
    private URI gmailBase = GmailClient.DEFAULT_BASE;
    private URI graphBase = GraphClient.DEFAULT_BASE;
    private URI microsoftAuthority = MicrosoftIdentity.DEFAULT_AUTHORITY;
    private Optional<URI> microsoftIdentityOverride = Optional.empty();
    private String graphScope = MicrosoftIdentity.GRAPH_SCOPE;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration requestTimeout = Duration.ofSeconds(120);
    private long graphSendMailLimit = GraphClient.DEFAULT_SENDMAIL_LIMIT;

    public static ApiEndpoints defaults() {
        return new ApiEndpoints();
    }

    public ApiEndpoints googleTokenUri(URI value) {
        this.googleTokenUri = Objects.requireNonNull(value);
        return this;
    }

    public ApiEndpoints gmailBase(URI value) {
        this.gmailBase = Objects.requireNonNull(value);
        return this;
    }

    public ApiEndpoints graphBase(URI value) {
        this.graphBase = Objects.requireNonNull(value);
        return this;
    }

    public ApiEndpoints microsoftAuthority(URI value) {
        this.microsoftAuthority = Objects.requireNonNull(value);
        return this;
    }

    /** Sends every Microsoft identity request to this base URL instead of the authority's host (a local fake). */
    public ApiEndpoints microsoftIdentityOverride(Optional<URI> value) {
        this.microsoftIdentityOverride = Objects.requireNonNull(value);
        return this;
    }

    public ApiEndpoints graphScope(String value) {
        this.graphScope = Objects.requireNonNull(value);
        return this;
    }

    public ApiEndpoints connectTimeout(Duration value) {
        this.connectTimeout = Objects.requireNonNull(value);
        return this;
    }

    public ApiEndpoints requestTimeout(Duration value) {
        this.requestTimeout = Objects.requireNonNull(value);
        return this;
    }

    public ApiEndpoints graphSendMailLimit(long value) {
        this.graphSendMailLimit = value;
        return this;
    }

    public URI googleTokenUri() {
        return googleTokenUri;
    }

    public URI gmailBase() {
        return gmailBase;
    }

    public URI graphBase() {
        return graphBase;
    }

    public URI microsoftAuthority() {
        return microsoftAuthority;
    }

    public Optional<URI> microsoftIdentityOverride() {
        return microsoftIdentityOverride;
    }

    public String graphScope() {
        return graphScope;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    public long graphSendMailLimit() {
        return graphSendMailLimit;
    }
}
