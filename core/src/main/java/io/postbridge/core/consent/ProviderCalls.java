package io.postbridge.core.consent;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.postbridge.core.http.BoundedHttp;

/**
 * The three provider calls of a consent: redeem the code (form POST, JSON back), ask who signed in (Google userinfo,
 * Graph /me, with the new access token) and revoke a grant we will not keep. Plain {@code java.net.http}: both
 * token endpoints are form POST → JSON, and this keeps every endpoint a setting (no library-fixed URLs).
 */
public final class ProviderCalls {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final Duration timeout;

    public ProviderCalls(Duration timeout) {
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
        this.timeout = timeout;
    }

    /** The provider answered with an OAuth error (invalid_grant, invalid_client, ...). */
    public static final class ProviderError extends Exception {
        private final int status;
        private final String error;
        private final String description;

        public ProviderError(int status, String error, String description) {
            super(status + " " + error + (description.isEmpty() ? "" : ": " + description));
            this.status = status;
            this.error = error;
            this.description = description;
        }

        public int status() {
            return status;
        }

        public String error() {
            return error;
        }

        public String description() {
            return description;
        }
    }

    /** The provider could not be reached, timed out or answered 5xx: try again later. */
    public static final class ProviderDown extends Exception {
        public ProviderDown(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** What the token endpoint granted. */
    public static final class Grant {
        private final String accessToken;
        private final Optional<String> refreshToken;
        private final Set<String> scopes;
        private final Optional<String> tenantId;

        Grant(String accessToken, Optional<String> refreshToken, Set<String> scopes, Optional<String> tenantId) {
            this.accessToken = accessToken;
            this.refreshToken = refreshToken;
            this.scopes = scopes;
            this.tenantId = tenantId;
        }

        public String accessToken() {
            return accessToken;
        }

        public Optional<String> refreshToken() {
            return refreshToken;
        }

        /** The granted scopes, as the token response lists them (space-delimited, case-sensitive). */
        public Set<String> scopes() {
            return scopes;
        }

        /** Microsoft: the user's tenant (id_token {@code tid}), where the refresh token is redeemed later. */
        public Optional<String> tenantId() {
            return tenantId;
        }

        @Override
        public String toString() {
            return "Grant" + scopes; // tokens are secrets
        }
    }

    /** Who signed in. */
    public static final class Identity {
        private final String mailbox;
        private final String subject;

        public Identity(String mailbox, String subject) {
            this.mailbox = mailbox;
            this.subject = subject;
        }

        public String mailbox() {
            return mailbox;
        }

        /** The provider's stable id of the user (Google id, Entra object id). */
        public String subject() {
            return subject;
        }
    }

    public Grant redeem(OAuthClient client, String code, Pkce pkce) throws ProviderError, ProviderDown {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", client.redirectUri().toString());
        form.put("client_id", client.clientId());
        form.put("client_secret", client.clientSecret());
        form.put("code_verifier", pkce.verifier());
        if (client.provider() == ConsentProvider.MICROSOFT) {
            form.put("scope", String.join(" ", client.scopes()));
        }
        JsonNode json = call(HttpRequest.newBuilder(client.token())
            .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(form(form))));
        String accessToken = json.path("access_token").asText("");
        if (accessToken.isEmpty()) {
            throw new ProviderError(200, "invalid_response", "the token response has no access_token");
        }
        Optional<String> refreshToken = Optional.of(json.path("refresh_token").asText("")).filter(t -> !t.isEmpty());
        Set<String> scopes = Arrays.stream(json.path("scope").asText("").split("\\s+")).filter(s -> !s.isEmpty())
            .collect(Collectors.toCollection(LinkedHashSet::new));
        Optional<String> tenant = IdTokens.claim(json.path("id_token").asText(""), "tid");
        return new Grant(accessToken, refreshToken, scopes, tenant);
    }

    public Identity identity(OAuthClient client, String accessToken) throws ProviderError, ProviderDown {
        JsonNode json = call(HttpRequest.newBuilder(client.identity()).header("Authorization", "Bearer " + accessToken)
            .header("Accept", "application/json").GET());
        if (client.provider() == ConsentProvider.GOOGLE) {
            String email = json.path("email").asText("");
            if (email.isEmpty() || !json.path("verified_email").asBoolean(false)) {
                throw new ProviderError(200, "unverified_email", "Google did not confirm an email address for this account");
            }
            return new Identity(email.toLowerCase(Locale.ROOT), json.path("id").asText(email));
        }
        String mail = json.path("mail").asText("");
        if (mail.isEmpty()) {
            mail = json.path("userPrincipalName").asText("");
        }
        if (mail.isEmpty() || !mail.contains("@")) {
            throw new ProviderError(200, "no_mailbox", "Microsoft did not return a mailbox address for this account");
        }
        return new Identity(mail.toLowerCase(Locale.ROOT), json.path("id").asText(mail));
    }

    /** Best effort: a failure here is logged by the caller, the user's page does not depend on it. */
    public void revoke(OAuthClient client, String token) throws ProviderError, ProviderDown {
        if (client.revoke().isEmpty()) {
            return;
        }
        call(HttpRequest.newBuilder(client.revoke().get()).header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("token", token)))));
    }

    private JsonNode call(HttpRequest.Builder request) throws ProviderError, ProviderDown {
        HttpResponse<String> response;
        try {
            response = BoundedHttp.send(http, request.timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new ProviderDown(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderDown("interrupted", e);
        }
        if (response.statusCode() >= 500 || response.statusCode() == 429) {
            throw new ProviderDown("HTTP " + response.statusCode(), null);
        }
        JsonNode json;
        try {
            json = response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new ProviderError(response.statusCode(), "invalid_response", "the provider answered something that is not JSON");
        }
        if (response.statusCode() >= 300) {
            JsonNode error = json.path("error");
            String code = error.isObject() ? error.path("code").asText("error") : error.asText("error");
            String description = error.isObject() ? error.path("message").asText("") : json.path("error_description").asText("");
            throw new ProviderError(response.statusCode(), code, description);
        }
        return json;
    }

    static String form(Map<String, String> values) {
        return values.entrySet().stream()
            .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    }
}
