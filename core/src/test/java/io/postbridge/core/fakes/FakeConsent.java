package io.postbridge.core.fakes;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.sun.net.httpserver.HttpExchange;

import io.postbridge.core.consent.Pkce;

/**
 * Fake Google and Microsoft sign-in servers for the consent flow, on loopback, following the contract of
 * {@code next-features-anchors.md} §A.8 strictly: the authorize endpoint refuses an unregistered redirect URI with an
 * error page (no redirect) and a padded or short PKCE challenge; codes are single-use (burnt even by a failed
 * exchange), expire, and need the exact redirect URI and the PKCE verifier; refresh tokens come only with
 * {@code access_type=offline} (Google) / {@code offline_access} (Microsoft); Microsoft rotates the refresh token on
 * every refresh and invalidates the old one. The consent screen is a real HTML form (Allow / Deny, one checkbox per
 * scope), so a browser can untick gmail.send; {@link #autoGrant} answers without the form for HTTP-level tests.
 * Granted refresh tokens are registered with {@link FakeProviders}, whose token, Gmail and Graph endpoints deliver.
 */
public final class FakeConsent implements AutoCloseable {
    public static final String GMAIL_SEND = "https://www.googleapis.com/auth/gmail.send";
    public static final String GRAPH_MAIL_SEND = "https://graph.microsoft.com/Mail.Send";
    private static final Pattern MS_AUTHORIZE = Pattern.compile("/ms/([^/]+)/oauth2/v2\\.0/authorize");
    private static final Pattern MS_TOKEN = Pattern.compile("/ms/([^/]+)/oauth2/v2\\.0/token");
    private static final Set<String> TENANTS = Set.of("common", "organizations", "consumers");

    private final FakeProviders providers;
    private final Map<String, String> clients = new ConcurrentHashMap<>();
    private final Set<String> redirectUris = ConcurrentHashMap.newKeySet();
    private final Map<String, Request> requests = new ConcurrentHashMap<>();
    private final Map<String, Code> codes = new ConcurrentHashMap<>();
    private final Map<String, Grant> refreshTokens = new ConcurrentHashMap<>();
    private final Map<String, Grant> accessTokens = new ConcurrentHashMap<>();
    private final Set<String> consentedBefore = ConcurrentHashMap.newKeySet();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final List<String> revoked = new CopyOnWriteArrayList<>();
    private final List<Map<String, String>> authorizeRequests = new CopyOnWriteArrayList<>();
    private final AtomicInteger codeRedemptions = new AtomicInteger();
    private volatile String googleUser = "alice@example.com";
    private volatile String microsoftUser = "bob@example.com";
    private volatile String tenantId = "11111111-2222-3333-4444-555555555555";
    private volatile String autoGrant;
    private volatile boolean tokenDown;
    private volatile boolean omitRefreshToken;
    private volatile Duration codeLifetime = Duration.ofMinutes(10);
    private final Clock clock = Clock.systemUTC();

    private final LoopbackHttpServer http;

    private FakeConsent(FakeProviders providers) {
        this.providers = providers;
        this.http = LoopbackHttpServer.start("fake-consent", 50, this::handle);
    }

    public static FakeConsent start(FakeProviders providers) {
        return new FakeConsent(providers);
    }

    // ---------------------------------------------------------------- configuration

    public URI base() {
        return http.base();
    }

    public URI googleAuthorize() {
        return URI.create(base() + "/o/oauth2/v2/auth");
    }

    public URI googleToken() {
        return URI.create(base() + "/token");
    }

    public URI googleUserinfo() {
        return URI.create(base() + "/oauth2/v2/userinfo");
    }

    public URI googleRevoke() {
        return URI.create(base() + "/revoke");
    }

    public URI microsoftAuthorize(String tenant) {
        return URI.create(base() + "/ms/" + tenant + "/oauth2/v2.0/authorize");
    }

    public URI microsoftToken(String tenant) {
        return URI.create(base() + "/ms/" + tenant + "/oauth2/v2.0/token");
    }

    public URI graphMe() {
        return URI.create(base() + "/v1.0/me");
    }

    public FakeConsent client(String clientId, String secret, URI... redirects) {
        clients.put(clientId, secret);
        redirectUris.addAll(Arrays.stream(redirects).map(URI::toString).collect(Collectors.toList()));
        return this;
    }

    /** Who is signed in at the fake Google (the identity userinfo returns). */
    public FakeConsent googleUser(String email) {
        this.googleUser = email;
        return this;
    }

    public FakeConsent microsoftUser(String mailbox, String tenant) {
        this.microsoftUser = mailbox;
        this.tenantId = tenant;
        return this;
    }

    /** Answer authorize requests without the form: {@code all}, {@code drop:<scope>}, {@code deny}; null: the form. */
    public FakeConsent autoGrant(String knob) {
        this.autoGrant = knob;
        return this;
    }

    /** The token endpoints answer 503 (provider down). */
    public FakeConsent tokenDown(boolean down) {
        this.tokenDown = down;
        return this;
    }

    /** Grant no refresh token even with offline access (as Google does on some repeat consents). */
    public FakeConsent omitRefreshToken(boolean omit) {
        this.omitRefreshToken = omit;
        return this;
    }

    public FakeConsent codeLifetime(Duration lifetime) {
        this.codeLifetime = lifetime;
        return this;
    }

    // ---------------------------------------------------------------- observation

    public List<String> violations() {
        return Collections.unmodifiableList(violations);
    }

    /** Tokens revoked through Google's revoke endpoint. */
    public List<String> revoked() {
        return Collections.unmodifiableList(revoked);
    }

    public List<Map<String, String>> authorizeRequests() {
        return Collections.unmodifiableList(authorizeRequests);
    }

    public int codeRedemptions() {
        return codeRedemptions.get();
    }

    /** The last code issued (for replay tests), with the redirect it went to. */
    public volatile String lastCode;

    @Override
    public void close() {
        http.close();
    }

    // ---------------------------------------------------------------- state

    private static final class Request {
        final boolean google;
        final String tenant;
        final Map<String, String> query;
        final String user;

        Request(boolean google, String tenant, Map<String, String> query, String user) {
            this.google = google;
            this.tenant = tenant;
            this.query = query;
            this.user = user;
        }
    }

    private static final class Code {
        final Request request;
        final Set<String> granted;
        final Instant expires;
        volatile boolean used;

        Code(Request request, Set<String> granted, Instant expires) {
            this.request = request;
            this.granted = granted;
            this.expires = expires;
        }
    }

    private static final class Grant {
        final boolean google;
        final String user;
        final String clientId;
        final Set<String> scopes;

        Grant(boolean google, String user, String clientId, Set<String> scopes) {
            this.google = google;
            this.user = user;
            this.clientId = clientId;
            this.scopes = scopes;
        }
    }

    // ---------------------------------------------------------------- dispatch

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getRawPath();
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            Matcher msAuthorize = MS_AUTHORIZE.matcher(path);
            Matcher msToken = MS_TOKEN.matcher(path);
            if (path.equals("/o/oauth2/v2/auth")) {
                authorize(exchange, true, "");
            } else if (msAuthorize.matches()) {
                authorize(exchange, false, msAuthorize.group(1));
            } else if (path.equals("/approve")) {
                approve(exchange, form(new String(body, StandardCharsets.UTF_8)));
            } else if (path.equals("/token")) {
                token(exchange, true, "", form(new String(body, StandardCharsets.UTF_8)));
            } else if (msToken.matches()) {
                token(exchange, false, msToken.group(1), form(new String(body, StandardCharsets.UTF_8)));
            } else if (path.equals("/oauth2/v2/userinfo")) {
                identity(exchange, true);
            } else if (path.equals("/v1.0/me")) {
                identity(exchange, false);
            } else if (path.equals("/revoke")) {
                Map<String, String> params = form(new String(body, StandardCharsets.UTF_8));
                params.putAll(form(exchange.getRequestURI().getRawQuery()));
                revoke(exchange, params.getOrDefault("token", ""));
            } else if (path.equals("/favicon.ico")) {
                reply(exchange, 404, "text/plain", "not found", Map.of()); // browsers ask for it on every page
            } else {
                violations.add("unknown endpoint " + exchange.getRequestMethod() + " " + path);
                reply(exchange, 404, "text/plain", "not found", Map.of());
            }
        } catch (RuntimeException e) {
            violations.add("fake failed: " + e);
            throw e;
        } finally {
            exchange.close();
        }
    }

    // ---------------------------------------------------------------- authorize

    private void authorize(HttpExchange exchange, boolean google, String tenant) throws IOException {
        Map<String, String> query = form(exchange.getRequestURI().getRawQuery());
        authorizeRequests.add(query);
        if (!google && !TENANTS.contains(tenant) && !tenant.matches("[0-9a-f-]{36}")) {
            errorPage(exchange, "AADSTS90002: Tenant '" + tenant + "' not found.");
            return;
        }
        String redirect = query.getOrDefault("redirect_uri", "");
        if (!clients.containsKey(query.getOrDefault("client_id", ""))) {
            errorPage(exchange, google ? "Error 401: invalid_client" : "AADSTS700016: Application not found in the directory.");
            return;
        }
        if (!redirectUris.contains(redirect)) {
            errorPage(exchange, google ? "Error 400: redirect_uri_mismatch" : "AADSTS50011: The redirect URI '" + redirect
                + "' specified in the request does not match the redirect URIs configured for the application.");
            return;
        }
        for (String required : List.of("response_type", "scope", "state")) {
            if (query.getOrDefault(required, "").isEmpty()) {
                errorPage(exchange, "Error 400: invalid_request, Required parameter is missing: " + required);
                return;
            }
        }
        if (!"code".equals(query.get("response_type"))) {
            errorPage(exchange, "Error 400: unsupported_response_type");
            return;
        }
        String challenge = query.get("code_challenge");
        if (challenge != null && (challenge.contains("=") || challenge.length() != 43 || !"S256".equals(query.get("code_challenge_method")))) {
            errorPage(exchange, "Error 400: invalid_request, Invalid code_challenge_method or code_challenge");
            return;
        }
        if (!google && !"query".equals(query.getOrDefault("response_mode", "query"))) {
            violations.add("Microsoft authorize with response_mode " + query.get("response_mode"));
        }
        Request request = new Request(google, tenant, query, google ? googleUser : microsoftUser);
        String knob = autoGrant;
        if (knob != null) {
            decide(exchange, request, knob, scopes(query.get("scope")));
            return;
        }
        String id = UUID.randomUUID().toString();
        requests.put(id, request);
        StringBuilder page = new StringBuilder("<!DOCTYPE html><html><head><title>Fake " + (google ? "Google" : "Microsoft")
            + " consent</title></head><body><h1>" + escape(request.user) + "</h1><form method=\"post\" action=\"/approve\">"
            + "<input type=\"hidden\" name=\"request\" value=\"" + id + "\">");
        for (String scope : scopes(query.get("scope"))) {
            page.append("<label><input type=\"checkbox\" name=\"scope\" value=\"").append(escape(scope)).append("\" id=\"scope-")
                .append(scope.replaceAll("[^A-Za-z0-9]", "_")).append("\" checked> ").append(escape(scope)).append("</label><br>");
        }
        page.append("<button type=\"submit\" name=\"decision\" value=\"allow\" id=\"allow\">Allow</button>"
            + "<button type=\"submit\" name=\"decision\" value=\"deny\" id=\"deny\">Deny</button></form></body></html>");
        reply(exchange, 200, "text/html; charset=utf-8", page.toString(), Map.of());
    }

    private void approve(HttpExchange exchange, Map<String, String> form) throws IOException {
        Request request = requests.remove(form.getOrDefault("request", ""));
        if (request == null) {
            errorPage(exchange, "This consent request is no longer valid.");
            return;
        }
        if ("deny".equals(form.get("decision"))) {
            decide(exchange, request, "deny", Set.of());
            return;
        }
        Set<String> ticked = new LinkedHashSet<>(multi(form, "scope"));
        // sign-in scopes cannot be unticked at Google or Microsoft
        scopes(request.query.get("scope")).stream().filter(s -> !s.startsWith("https://")).forEach(ticked::add);
        decide(exchange, request, "ticked", ticked);
    }

    private void decide(HttpExchange exchange, Request request, String knob, Set<String> requested) throws IOException {
        String redirect = request.query.get("redirect_uri");
        String state = URLEncoder.encode(request.query.get("state"), StandardCharsets.UTF_8);
        if (knob.equals("deny")) {
            String error = request.google ? "?error=access_denied&state=" + state
                : "?error=access_denied&error_description=" + URLEncoder.encode("AADSTS65004: User declined to consent to access the app.",
                    StandardCharsets.UTF_8) + "&state=" + state;
            reply(exchange, 302, "text/plain", "", Map.of("Location", redirect + error));
            return;
        }
        Set<String> granted = new LinkedHashSet<>(requested);
        if (knob.startsWith("drop:")) {
            granted.remove(knob.substring(5));
        }
        String code = (request.google ? "4/0A" : "0.A") + UUID.randomUUID().toString().replace("-", "") + (request.google ? "/x" : "");
        codes.put(code, new Code(request, granted, clock.instant().plus(codeLifetime)));
        lastCode = code;
        String location = request.google
            ? redirect + "?state=" + state + "&code=" + URLEncoder.encode(code, StandardCharsets.UTF_8) + "&scope="
                + URLEncoder.encode(String.join(" ", granted), StandardCharsets.UTF_8) + "&authuser=0&prompt=consent"
            : redirect + "?code=" + URLEncoder.encode(code, StandardCharsets.UTF_8) + "&state=" + state;
        reply(exchange, 302, "text/plain", "", Map.of("Location", location));
    }

    // ---------------------------------------------------------------- token

    private void token(HttpExchange exchange, boolean google, String tenant, Map<String, String> form) throws IOException {
        if (tokenDown) {
            reply(exchange, 503, "text/html", "<html>Service Unavailable</html>", Map.of());
            return;
        }
        if (!"POST".equals(exchange.getRequestMethod())
                || !exchange.getRequestHeaders().getFirst("Content-Type").startsWith("application/x-www-form-urlencoded")) {
            violations.add("token request not a form POST");
            reply(exchange, 400, "application/json", "{\"error\":\"invalid_request\"}", Map.of());
            return;
        }
        String secret = clients.get(form.getOrDefault("client_id", ""));
        if (secret == null || !secret.equals(form.get("client_secret"))) {
            reply(exchange, 401, "application/json", google ? "{\"error\":\"invalid_client\",\"error_description\":\"Unauthorized\"}"
                : msError("invalid_client", 7000215, "Invalid client secret provided."), Map.of());
            return;
        }
        String grantType = form.getOrDefault("grant_type", "");
        if (grantType.equals("authorization_code")) {
            redeem(exchange, google, tenant, form);
        } else if (grantType.equals("refresh_token")) {
            refresh(exchange, google, form);
        } else {
            reply(exchange, 400, "application/json", "{\"error\":\"unsupported_grant_type\"}", Map.of());
        }
    }

    private void redeem(HttpExchange exchange, boolean google, String tenant, Map<String, String> form) throws IOException {
        codeRedemptions.incrementAndGet();
        Code code = codes.get(form.getOrDefault("code", ""));
        if (code == null || code.request.google != google) {
            invalidGrant(exchange, google, 70008, "Malformed auth code.");
            return;
        }
        synchronized (code) {
            if (code.used) {
                invalidGrant(exchange, google, 54005, google ? "Code was already redeemed."
                    : "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.");
                return;
            }
            code.used = true; // burnt even when the rest of the exchange fails
        }
        Map<String, String> query = code.request.query;
        if (clock.instant().isAfter(code.expires)) {
            invalidGrant(exchange, google, 70008, "The provided authorization code or refresh token has expired.");
            return;
        }
        if (!query.get("redirect_uri").equals(form.get("redirect_uri"))) {
            violations.add("token redirect_uri " + form.get("redirect_uri") + " differs from authorize " + query.get("redirect_uri"));
            invalidGrant(exchange, google, 50011, "The reply URL specified in the request does not match.");
            return;
        }
        if (!query.getOrDefault("client_id", "").equals(form.get("client_id"))) {
            invalidGrant(exchange, google, 70002, "The code was issued to another client.");
            return;
        }
        String challenge = query.get("code_challenge");
        if (challenge != null && !challenge.equals(Pkce.challengeOf(form.getOrDefault("code_verifier", "")))) {
            invalidGrant(exchange, google, 501481, "The Code_Verifier does not match the code_challenge supplied in the authorization request.");
            return;
        }
        if (challenge == null) {
            violations.add("authorization without PKCE");
        }
        String user = code.request.user;
        boolean offline = google ? "offline".equals(query.get("access_type")) : scopes(query.get("scope")).contains("offline_access");
        boolean repeat = !consentedBefore.add(code.request.google + user);
        boolean withRefresh = offline && !omitRefreshToken && (!google || !repeat || "consent".equals(query.get("prompt")));
        Grant grant = new Grant(google, user, form.get("client_id"), code.granted);
        String accessToken = (google ? "ya29.c-" : "eyJ0.c-") + UUID.randomUUID();
        accessTokens.put(accessToken, grant);
        String refreshToken = null;
        if (withRefresh) {
            refreshToken = (google ? "1//c-" : "M.C-") + UUID.randomUUID();
            refreshTokens.put(refreshToken, grant);
            if (google) {
                providers.googleUser(refreshToken, user);
            } else {
                providers.microsoftUser(refreshToken, user);
            }
        }
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("email", user);
        if (!google) {
            claims.put("tid", tenantId);
            claims.put("preferred_username", user);
        }
        String scope = google ? String.join(" ", code.granted)
            : code.granted.stream().filter(s -> s.startsWith("https://")).collect(Collectors.joining(" "));
        reply(exchange, 200, "application/json", "{\"access_token\":\"" + accessToken + "\",\"expires_in\":3599,"
            + (refreshToken == null ? "" : "\"refresh_token\":\"" + refreshToken + "\",") + "\"scope\":\"" + scope
            + "\",\"token_type\":\"Bearer\",\"id_token\":\"" + idToken(claims) + "\"}", Map.of());
    }

    private void refresh(HttpExchange exchange, boolean google, Map<String, String> form) throws IOException {
        String presented = form.getOrDefault("refresh_token", "");
        Grant grant = google ? refreshTokens.get(presented) : refreshTokens.remove(presented);
        if (grant == null || grant.google != google) {
            invalidGrant(exchange, google, 70008, google ? "Token has been expired or revoked."
                : "The refresh token has expired or is invalid due to sign-in frequency checks by conditional access.");
            return;
        }
        String accessToken = (google ? "ya29.r-" : "eyJ0.r-") + UUID.randomUUID();
        accessTokens.put(accessToken, grant);
        String rotated = "";
        if (!google) { // Microsoft: always a new refresh token, and the old one is gone (stricter than Entra)
            String next = "M.R-" + UUID.randomUUID();
            refreshTokens.put(next, grant);
            rotated = "\"refresh_token\":\"" + next + "\",";
        }
        reply(exchange, 200, "application/json", "{\"access_token\":\"" + accessToken + "\",\"expires_in\":3599," + rotated
            + "\"scope\":\"" + String.join(" ", grant.scopes) + "\",\"token_type\":\"Bearer\"}", Map.of());
    }

    // ---------------------------------------------------------------- identity, revoke

    private void identity(HttpExchange exchange, boolean google) throws IOException {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        Grant grant = authorization != null && authorization.startsWith("Bearer ") ? accessTokens.get(authorization.substring(7)) : null;
        if (grant == null || grant.google != google) {
            reply(exchange, 401, "application/json", google ? "{\"error\":{\"code\":401,\"message\":\"Invalid Credentials\"}}"
                : "{\"error\":{\"code\":\"InvalidAuthenticationToken\",\"message\":\"Access token is empty.\"}}", Map.of());
            return;
        }
        if (google) {
            reply(exchange, 200, "application/json", "{\"id\":\"g-" + Math.abs(grant.user.hashCode()) + "\",\"email\":\"" + grant.user
                + "\",\"verified_email\":true}", Map.of());
        } else {
            reply(exchange, 200, "application/json", "{\"id\":\"m-" + Math.abs(grant.user.hashCode()) + "\",\"mail\":\"" + grant.user
                + "\",\"userPrincipalName\":\"" + grant.user + "\"}", Map.of());
        }
    }

    private void revoke(HttpExchange exchange, String token) throws IOException {
        Grant grant = refreshTokens.remove(token);
        Grant access = accessTokens.remove(token);
        if (grant == null && access == null) {
            reply(exchange, 400, "application/json", "{\"error\":\"invalid_token\",\"error_description\":\"Token expired or revoked\"}", Map.of());
            return;
        }
        revoked.add(token);
        providers.revokeGoogleUser(token);
        // revoking one token of a grant revokes the whole grant at Google
        Grant whole = grant != null ? grant : access;
        refreshTokens.entrySet().removeIf(e -> e.getValue() == whole);
        accessTokens.entrySet().removeIf(e -> e.getValue() == whole);
        reply(exchange, 200, "application/json", "{}", Map.of());
    }

    // ---------------------------------------------------------------- helpers

    private static void invalidGrant(HttpExchange exchange, boolean google, int aadsts, String text) throws IOException {
        reply(exchange, 400, "application/json", google ? "{\"error\":\"invalid_grant\",\"error_description\":\"" + text + "\"}"
            : msError("invalid_grant", aadsts, text), Map.of());
    }

    private static String msError(String error, int code, String text) {
        return "{\"error\":\"" + error + "\",\"error_description\":\"AADSTS" + code + ": " + text
            + "\\r\\nTrace ID: 0000\\r\\nCorrelation ID: 1111\\r\\nTimestamp: 2026-12-01 09:00:00Z\",\"error_codes\":[" + code
            + "],\"timestamp\":\"2026-12-01 09:00:00Z\",\"trace_id\":\"0000\",\"correlation_id\":\"1111\"}";
    }

    private static String idToken(Map<String, Object> claims) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String payload = claims.entrySet().stream().map(e -> "\"" + e.getKey() + "\":\"" + e.getValue() + "\"")
            .collect(Collectors.joining(",", "{", "}"));
        return b64.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "."
            + b64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + ".sig";
    }

    private static Set<String> scopes(String raw) {
        return raw == null ? Set.of() : Arrays.stream(raw.split("\\s+")).filter(s -> !s.isEmpty())
            .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    private static void errorPage(HttpExchange exchange, String text) throws IOException {
        reply(exchange, 400, "text/html; charset=utf-8", "<!DOCTYPE html><html><body><h1 id=\"provider-error\">" + escape(text)
            + "</h1></body></html>", Map.of());
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static Map<String, String> form(String raw) {
        Map<String, String> form = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return form;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.merge(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8), (a, b) -> a + "\n" + b);
            }
        }
        return form;
    }

    private static List<String> multi(Map<String, String> form, String name) {
        String value = form.get(name);
        return value == null ? List.of() : new ArrayList<>(Arrays.asList(value.split("\n")));
    }

    private static void reply(HttpExchange exchange, int status, String contentType, String body, Map<String, String> headers)
        throws IOException {
        LoopbackHttpServer.reply(exchange, status, contentType, body, headers, () -> { });
    }
}
