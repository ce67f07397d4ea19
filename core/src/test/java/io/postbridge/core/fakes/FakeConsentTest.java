package io.postbridge.core.fakes;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.postbridge.core.consent.Pkce;

/** The fake sign-in servers keep the §A.8 contract, so tests against them catch what the real providers refuse. */
class FakeConsentTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REDIRECT = "https://relay.test/connect/google/callback";
    private static final String MS_REDIRECT = "https://relay.test/connect/microsoft/callback";
    private final FakeProviders providers = FakeProviders.start();
    private final FakeConsent fake = FakeConsent.start(providers).client("id", "secret", URI.create(REDIRECT), URI.create(MS_REDIRECT))
        .autoGrant("all");
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private final Pkce pkce = Pkce.generate(new java.security.SecureRandom());

    @AfterEach
    void close() {
        fake.close();
        providers.close();
    }

    private HttpResponse<String> authorize(URI endpoint, String redirect, String challenge, String extra) throws Exception {
        String query = "client_id=id&response_type=code&state=s1&scope=" + URLEncoder.encode("openid email offline_access "
            + FakeConsent.GMAIL_SEND, StandardCharsets.UTF_8) + "&redirect_uri=" + URLEncoder.encode(redirect, StandardCharsets.UTF_8)
            + "&code_challenge=" + challenge + "&code_challenge_method=S256" + extra;
        return http.send(HttpRequest.newBuilder(URI.create(endpoint + "?" + query)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String code(HttpResponse<String> redirect) {
        assertThat(redirect.statusCode()).as(redirect.body()).isEqualTo(302);
        return query(redirect.headers().firstValue("Location").orElseThrow()).get("code");
    }

    private HttpResponse<String> token(URI endpoint, String form) throws Exception {
        return http.send(HttpRequest.newBuilder(endpoint).header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString("client_id=id&client_secret=secret&" + form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String redeemForm(String code, String redirect, String verifier) {
        return "grant_type=authorization_code&code=" + URLEncoder.encode(code, StandardCharsets.UTF_8) + "&redirect_uri="
            + URLEncoder.encode(redirect, StandardCharsets.UTF_8) + "&code_verifier=" + verifier;
    }

    @Test
    void anUnregisteredRedirectUriOrABadChallengeGetsAnErrorPageAndNoRedirect() throws Exception {
        HttpResponse<String> foreign = authorize(fake.googleAuthorize(), "https://evil.test/cb", pkce.challenge(), "");
        assertThat(foreign.statusCode()).isEqualTo(400);
        assertThat(foreign.headers().firstValue("Location")).isEmpty();
        assertThat(foreign.body()).contains("redirect_uri_mismatch");
        assertThat(authorize(fake.googleAuthorize(), REDIRECT, pkce.challenge() + "=", "").statusCode()).isEqualTo(400);
        assertThat(authorize(fake.googleAuthorize(), REDIRECT, "short", "").statusCode()).isEqualTo(400);
        assertThat(authorize(fake.microsoftAuthorize("common"), MS_REDIRECT + "/other", pkce.challenge(), "").body()).contains("AADSTS50011");
    }

    @Test
    void aCodeIsRedeemedOnceWithTheSameRedirectAndTheRightVerifier() throws Exception {
        String code = code(authorize(fake.googleAuthorize(), REDIRECT, pkce.challenge(), "&access_type=offline&prompt=consent"));
        HttpResponse<String> wrongRedirect = token(fake.googleToken(), redeemForm(code, REDIRECT + "/", pkce.verifier()));
        assertThat(wrongRedirect.statusCode()).isEqualTo(400);
        // the failed exchange burnt it
        HttpResponse<String> burnt = token(fake.googleToken(), redeemForm(code, REDIRECT, pkce.verifier()));
        assertThat(JSON.readTree(burnt.body()).path("error_description").asText()).isEqualTo("Code was already redeemed.");

        String other = code(authorize(fake.googleAuthorize(), REDIRECT, pkce.challenge(), "&access_type=offline&prompt=consent"));
        assertThat(JSON.readTree(token(fake.googleToken(), redeemForm(other, REDIRECT, "x".repeat(50))).body()).path("error").asText())
            .isEqualTo("invalid_grant");

        String good = code(authorize(fake.googleAuthorize(), REDIRECT, pkce.challenge(), "&access_type=offline&prompt=consent"));
        JsonNode granted = JSON.readTree(token(fake.googleToken(), redeemForm(good, REDIRECT, pkce.verifier())).body());
        assertThat(granted.path("refresh_token").asText()).startsWith("1//");
        assertThat(granted.path("scope").asText()).contains(FakeConsent.GMAIL_SEND);
        // Google refreshes without a new refresh token
        JsonNode refreshed = JSON.readTree(token(fake.googleToken(), "grant_type=refresh_token&refresh_token="
            + URLEncoder.encode(granted.path("refresh_token").asText(), StandardCharsets.UTF_8)).body());
        assertThat(refreshed.path("access_token").asText()).isNotEmpty();
        assertThat(refreshed.has("refresh_token")).isFalse();
    }

    @Test
    void withoutOfflineAccessThereIsNoRefreshToken() throws Exception {
        String code = code(authorize(fake.googleAuthorize(), REDIRECT, pkce.challenge(), ""));
        assertThat(JSON.readTree(token(fake.googleToken(), redeemForm(code, REDIRECT, pkce.verifier())).body()).has("refresh_token")).isFalse();
    }

    @Test
    void microsoftRotatesTheRefreshTokenAndTheOldOneStopsWorking() throws Exception {
        String code = code(authorize(fake.microsoftAuthorize("organizations"), MS_REDIRECT, pkce.challenge(), "&response_mode=query"));
        JsonNode granted = JSON.readTree(token(fake.microsoftToken("organizations"), redeemForm(code, MS_REDIRECT, pkce.verifier())).body());
        String first = granted.path("refresh_token").asText();
        JsonNode rotated = JSON.readTree(token(fake.microsoftToken("organizations"), "grant_type=refresh_token&refresh_token=" + first).body());
        assertThat(rotated.path("refresh_token").asText()).isNotEmpty().isNotEqualTo(first);
        HttpResponse<String> old = token(fake.microsoftToken("organizations"), "grant_type=refresh_token&refresh_token=" + first);
        assertThat(old.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(old.body()).path("error_description").asText()).startsWith("AADSTS");
        HttpResponse<String> replay = token(fake.microsoftToken("organizations"), redeemForm(code, MS_REDIRECT, pkce.verifier()));
        assertThat(JSON.readTree(replay.body()).path("error_codes").get(0).asInt()).isEqualTo(54005);
        assertThat(fake.violations()).isEmpty();
    }

    private static Map<String, String> query(String uri) {
        Map<String, String> query = new LinkedHashMap<>();
        for (String pair : URI.create(uri).getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            query.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return query;
    }
}
