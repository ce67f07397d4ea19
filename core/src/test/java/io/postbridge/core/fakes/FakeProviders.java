package io.postbridge.core.fakes;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.mail.Session;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.InternetHeaders;
import javax.mail.internet.MimeMessage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;

/**
 * Local stand-ins for the Google token endpoint, the Gmail API, the Microsoft identity platform and Microsoft Graph,
 * on one loopback HTTP server. They follow the documented contracts ({@code docs/oauth-relay-anchors.md} §2) and
 * check what a client sends: bearer tokens they issued, content types, body encodings, upload ranges. A request
 * that breaks the contract gets the 4xx the real service would give and is listed in {@link #violations()}; a test
 * with such a request fails ({@link FakeProvidersCheck} after each test, {@link #reset()}, {@link #close()}).
 * Each endpoint can be scripted ({@link Script}) to throttle, fail, hang or reject.
 * <ul>
 * <li>{@code POST /google/token}: refresh-token grant (form)</li>
 * <li>{@code POST /upload/gmail/v1/users/me/messages/send?uploadType=media}: {@code message/rfc822}</li>
 * <li>{@code POST /{tenant}/oauth2/v2.0/token}: client credentials / refresh-token grant (form)</li>
 * <li>{@code POST /v1.0/users/{m}/sendMail} ({@code text/plain}, base64 MIME), {@code POST /v1.0/users/{m}/messages}
 * (draft), {@code .../attachments}, {@code .../attachments/createUploadSession}, {@code PUT /upload-session/{id}},
 * {@code POST .../messages/{id}/send}, {@code DELETE .../messages/{id}}</li>
 * </ul>
 * Graph allows 4 concurrent requests per mailbox: a fifth gets 429 {@code MailboxConcurrency}.
 */
public final class FakeProviders implements AutoCloseable {
    public static final int GRAPH_CONCURRENCY_PER_MAILBOX = 4;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern GRAPH = Pattern.compile("/v1\\.0/users/([^/]+)/(sendMail|messages)(?:/([^/]+)(?:/(send|attachments)(?:/(createUploadSession))?)?)?");
    private static final Pattern MS_TOKEN = Pattern.compile("/([^/]+)/oauth2/v2\\.0/token");

    private final CountDownLatch closed = new CountDownLatch(1);

    public final Script googleToken = new Script();
    public final Script gmailSend = new Script();
    public final Script microsoftToken = new Script();
    public final Script graphSend = new Script();
    /**
     * Random faults on the send endpoints (Gmail send, Graph sendMail and draft send) for soak tests; off (rate 0) by
     * default. A scripted step ({@link Script}) takes precedence over a random fault.
     */
    public final Faults<Faults.Http> faults = Faults.http(19);
    private final AtomicInteger openEndlessBodies = new AtomicInteger();
    /** The fault the handler thread is injecting into the current answer. */
    private static final ThreadLocal<Faults.Http> CURRENT_FAULT = new ThreadLocal<>();

    private final Map<String, String> googleClients = new ConcurrentHashMap<>();
    private final Map<String, String> googleRefreshTokens = new ConcurrentHashMap<>();
    private final Map<String, String> microsoftApps = new ConcurrentHashMap<>();
    private final Map<String, String> microsoftRefreshTokens = new ConcurrentHashMap<>();
    private final Map<String, String> issuedGoogle = new ConcurrentHashMap<>();
    private final Map<String, String> issuedMicrosoft = new ConcurrentHashMap<>();
    private volatile int expiresInSeconds = 3599;

    private final AtomicInteger googleTokenRequests = new AtomicInteger();
    private final AtomicInteger microsoftTokenRequests = new AtomicInteger();
    private final List<Delivered> delivered = new CopyOnWriteArrayList<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final List<String> presentedMicrosoftRefreshTokens = new CopyOnWriteArrayList<>();
    private final AtomicInteger unauthorizedAnswers = new AtomicInteger();
    /** The handler thread's pending "this request no longer counts" (exchange attributes are shared by a context on JDK 17). */
    private static final ThreadLocal<Runnable> IN_FLIGHT_RELEASE = new ThreadLocal<>();
    private final Map<String, AtomicInteger> inFlightPerMailbox = new ConcurrentHashMap<>();
    private final AtomicInteger maxInFlightPerMailbox = new AtomicInteger();
    private final AtomicInteger sendRequests = new AtomicInteger();
    /** Gmail send requests being answered right now, and the most there ever were at once (for benchmarks). */
    private final AtomicInteger gmailSendsInFlight = new AtomicInteger();
    private final AtomicInteger maxGmailSendsInFlight = new AtomicInteger();
    private final Map<String, Draft> drafts = new ConcurrentHashMap<>();
    private final Map<String, UploadSession> uploads = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();

    private final LoopbackHttpServer http;

    private FakeProviders() {
        this.http = LoopbackHttpServer.start("fake-providers", 200, this::handle);
    }

    public static FakeProviders start() {
        return new FakeProviders();
    }

    // ---------------------------------------------------------------- configuration

    public URI base() {
        return http.base();
    }

    public URI googleTokenUri() {
        return URI.create(base() + "/google/token");
    }

    public URI gmailBase() {
        return base();
    }

    public URI graphBase() {
        return URI.create(base() + "/v1.0");
    }

    /** Base URL that Microsoft identity requests are redirected to (paths {@code /{tenant}/oauth2/v2.0/token}). */
    public URI microsoftIdentity() {
        return base();
    }

    public FakeProviders googleClient(String clientId, String clientSecret) {
        googleClients.put(clientId, clientSecret);
        return this;
    }

    /** A consented Gmail user: its refresh token is accepted and the tokens issued for it send as {@code user}. */
    public FakeProviders googleUser(String refreshToken, String user) {
        googleRefreshTokens.put(refreshToken, user);
        return this;
    }

    public FakeProviders revokeGoogleUser(String refreshToken) {
        googleRefreshTokens.remove(refreshToken);
        return this;
    }

    public FakeProviders microsoftApp(String tenant, String clientId, String clientSecret) {
        microsoftApps.put(tenant + "/" + clientId, clientSecret);
        return this;
    }

    /** A mailbox owner's refresh token for delegated tokens (rotated on every use, as Microsoft does). */
    public FakeProviders microsoftUser(String refreshToken, String mailbox) {
        microsoftRefreshTokens.put(refreshToken, mailbox);
        return this;
    }

    public FakeProviders tokenLifetime(int seconds) {
        this.expiresInSeconds = seconds;
        return this;
    }

    /** Every access token issued so far stops working (as after a password change). */
    public void revokeIssuedTokens() {
        issuedGoogle.clear();
        issuedMicrosoft.clear();
    }

    /**
     * The access tokens issued so far have reached their end of life (their {@code expires_in} has passed; a test moves
     * the sender's clock past it too): the provider no longer takes them, only refresh and client-credential grants work.
     */
    public void expireIssuedTokens() {
        revokeIssuedTokens();
    }

    // ---------------------------------------------------------------- observation

    /** The user an access token from {@code /google/token} was issued for, while it is valid. */
    public java.util.Optional<String> googleTokenUser(String accessToken) {
        return java.util.Optional.ofNullable(issuedGoogle.get(accessToken));
    }

    /** The mailbox a delegated access token from the Microsoft endpoint was issued for, while it is valid. */
    public java.util.Optional<String> microsoftTokenMailbox(String accessToken) {
        return java.util.Optional.ofNullable(issuedMicrosoft.get(accessToken)).filter(p -> p.startsWith("user:")).map(p -> p.substring(5));
    }

    public int googleTokenRequests() {
        return googleTokenRequests.get();
    }

    public int microsoftTokenRequests() {
        return microsoftTokenRequests.get();
    }

    public List<Delivered> delivered() {
        return Collections.unmodifiableList(delivered);
    }

    public List<String> violations() {
        return Collections.unmodifiableList(violations);
    }

    /** Fails, listing them, when a request broke the providers' contracts ({@link FakeProvidersCheck} calls it after each test). */
    public void assertNoViolations() {
        if (!violations.isEmpty()) {
            throw new AssertionError("requests broke the Gmail/Graph/identity contracts: " + violations);
        }
    }

    /** The refresh tokens presented to the Microsoft token endpoint, in order. */
    public List<String> presentedMicrosoftRefreshTokens() {
        return Collections.unmodifiableList(presentedMicrosoftRefreshTokens);
    }

    /** How often Graph answered 401 (no or an unknown, revoked or expired bearer token). */
    public int graphUnauthorizedAnswers() {
        return unauthorizedAnswers.get();
    }

    /** The most requests one Graph mailbox ever had in flight at once. */
    public int maxConcurrentGraphRequestsPerMailbox() {
        return maxInFlightPerMailbox.get();
    }

    /**
     * The most Gmail send requests this fake was answering at once (including their scripted latency) since start or
     * {@link #resetMaxGmailSendsInFlight()}: how many API calls the client really has in flight.
     */
    public int maxGmailSendsInFlight() {
        return maxGmailSendsInFlight.get();
    }

    /** Starts a new high-water mark (the current number in flight). */
    public void resetMaxGmailSendsInFlight() {
        maxGmailSendsInFlight.set(gmailSendsInFlight.get());
    }

    /** Requests to the send endpoints (Gmail send, Graph sendMail and draft send), successful or not. */
    public int sendRequests() {
        return sendRequests.get();
    }

    /** Answers of an injected {@link Faults.Http#ENDLESS_BODY} still open (the client has not closed the connection). */
    public int openEndlessBodies() {
        return openEndlessBodies.get();
    }

    public int openDrafts() {
        return drafts.size();
    }

    /** Between the tests of a class sharing one fake; a contract break of the previous test fails here at the latest. */
    public void reset() {
        assertNoViolations();
        delivered.clear();
        presentedMicrosoftRefreshTokens.clear();
        unauthorizedAnswers.set(0);
        googleTokenRequests.set(0);
        microsoftTokenRequests.set(0);
        sendRequests.set(0);
        maxInFlightPerMailbox.set(0);
        maxGmailSendsInFlight.set(0);
        for (Script script : List.of(googleToken, gmailSend, microsoftToken, graphSend)) {
            script.clear();
            script.latency(java.time.Duration.ZERO);
        }
    }

    /** Stops the fake; fails when a request broke a contract and no check has reported it yet. */
    @Override
    public void close() {
        closed.countDown();
        http.close();
        assertNoViolations();
    }

    // ---------------------------------------------------------------- dispatch

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getRawPath();
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            if (path.equals("/google/token")) {
                scripted(exchange, googleToken, () -> googleTokenEndpoint(exchange, body));
            } else if (path.equals("/upload/gmail/v1/users/me/messages/send")) {
                sendRequests.incrementAndGet();
                maxGmailSendsInFlight.accumulateAndGet(gmailSendsInFlight.incrementAndGet(), Math::max);
                try {
                    scripted(exchange, gmailSend, () -> gmailSendEndpoint(exchange, body));
                } finally {
                    gmailSendsInFlight.decrementAndGet();
                }
            } else if (path.startsWith("/upload-session/")) {
                uploadEndpoint(exchange, path.substring("/upload-session/".length()), body);
            } else if (MS_TOKEN.matcher(path).matches()) {
                Matcher m = MS_TOKEN.matcher(path);
                m.matches();
                scripted(exchange, microsoftToken, () -> microsoftTokenEndpoint(exchange, m.group(1), body));
            } else if (GRAPH.matcher(path).matches()) {
                Matcher m = GRAPH.matcher(path);
                m.matches();
                graph(exchange, m, body);
            } else {
                violation("unknown endpoint " + exchange.getRequestMethod() + " " + path);
                reply(exchange, 404, "application/json", "{\"error\":{\"code\":\"NotFound\"}}", Map.of());
            }
        } catch (RuntimeException e) {
            violation("fake failed: " + e);
            throw e;
        } finally {
            exchange.close();
        }
    }

    private interface Handler {
        void handle() throws IOException;
    }

    private void scripted(HttpExchange exchange, Script script, Handler normal) throws IOException {
        if (!script.latency().isZero()) {
            untilClosed(script.latency().toMillis());
        }
        Script.Step step = script.next();
        if (step == null) {
            Faults.Http fault = script == gmailSend || script == graphSend ? faults.next() : null;
            if (fault == null) {
                normal.handle();
            } else {
                injected(exchange, fault, normal);
            }
        } else if (step.status == Script.Step.HANG) {
            untilClosed(TimeUnit.MINUTES.toMillis(10));
        } else {
            reply(exchange, step.status, "application/json", step.body, step.headers);
        }
    }

    private void injected(HttpExchange exchange, Faults.Http fault, Handler normal) throws IOException {
        String json = "application/json";
        switch (fault) {
            case THROTTLE_429:
                reply(exchange, 429, json, "{\"error\":{\"code\":\"TooManyRequests\",\"message\":\"injected fault\"}}",
                    Map.of("Retry-After", "1"));
                break;
            case ERROR_500:
                reply(exchange, 500, json, "{\"error\":{\"code\":\"InternalServerError\",\"message\":\"injected fault\"}}", Map.of());
                break;
            case UNAVAILABLE_503:
                reply(exchange, 503, json, "{\"error\":{\"code\":\"ServiceNotAvailable\",\"message\":\"injected fault\"}}", Map.of());
                break;
            case RESET:
                // no answer: handle() closes the exchange, which closes the connection before any response byte
                break;
            case TIMEOUT:
                untilClosed(faults.timeout().toMillis());
                CURRENT_FAULT.set(fault);
                try {
                    normal.handle();
                } catch (IOException e) {
                    // the client gave up and closed the connection: the message was sent all the same
                } finally {
                    CURRENT_FAULT.remove();
                }
                break;
            case ENDLESS_BODY:
                CURRENT_FAULT.set(fault);
                try {
                    normal.handle();
                } catch (IOException e) {
                    // the client gave up on the body
                } finally {
                    CURRENT_FAULT.remove();
                }
                break;
            default:
                throw new IllegalStateException(fault.toString());
        }
    }

    /** Why the client of the current request cannot know the outcome (an injected fault), or null. */
    private static String answerLost() {
        Faults.Http fault = CURRENT_FAULT.get();
        if (fault == Faults.Http.TIMEOUT) {
            return "injected TIMEOUT: sent after the client's request timeout";
        }
        if (fault == Faults.Http.ENDLESS_BODY) {
            return "injected ENDLESS_BODY: 2xx whose body never ended";
        }
        return null;
    }

    // ---------------------------------------------------------------- Google

    private void googleTokenEndpoint(HttpExchange exchange, byte[] body) throws IOException {
        googleTokenRequests.incrementAndGet();
        if (!post(exchange) || !contentType(exchange, "application/x-www-form-urlencoded")) {
            return;
        }
        Map<String, String> form = form(body);
        String secret = googleClients.get(form.getOrDefault("client_id", ""));
        if (secret == null || !secret.equals(form.get("client_secret"))) {
            reply(exchange, 401, "application/json", "{\"error\":\"invalid_client\",\"error_description\":\"Unauthorized\"}", Map.of());
            return;
        }
        if (!"refresh_token".equals(form.get("grant_type"))) {
            violation("Google token: grant_type " + form.get("grant_type"));
            reply(exchange, 400, "application/json", "{\"error\":\"unsupported_grant_type\"}", Map.of());
            return;
        }
        String user = googleRefreshTokens.get(form.getOrDefault("refresh_token", ""));
        if (user == null) {
            reply(exchange, 400, "application/json",
                "{\"error\":\"invalid_grant\",\"error_description\":\"Token has been expired or revoked.\"}", Map.of());
            return;
        }
        String token = "ya29.fake-" + UUID.randomUUID();
        issuedGoogle.put(token, user);
        reply(exchange, 200, "application/json", "{\"access_token\":\"" + token + "\",\"expires_in\":" + expiresInSeconds
            + ",\"scope\":\"https://www.googleapis.com/auth/gmail.send\",\"token_type\":\"Bearer\"}", Map.of());
    }

    private void gmailSendEndpoint(HttpExchange exchange, byte[] body) throws IOException {
        if (!post(exchange)) {
            return;
        }
        String user = bearer(exchange, issuedGoogle);
        if (user == null) {
            reply(exchange, 401, "application/json", "{\"error\":{\"code\":401,\"message\":\"Request had invalid authentication"
                + " credentials.\",\"status\":\"UNAUTHENTICATED\"}}", Map.of());
            return;
        }
        if (!"uploadType=media".equals(exchange.getRequestURI().getRawQuery())) {
            violation("Gmail send without uploadType=media: " + exchange.getRequestURI());
            reply(exchange, 400, "application/json", "{\"error\":{\"code\":400,\"message\":\"uploadType\"}}", Map.of());
            return;
        }
        if (!contentType(exchange, "message/rfc822")) {
            return;
        }
        if (body.length > 35L * 1024 * 1024) {
            reply(exchange, 413, "application/json", "{\"error\":{\"code\":413,\"message\":\"Request Entity Too Large\"}}", Map.of());
            return;
        }
        List<String> recipients = recipients(body);
        if (recipients.isEmpty()) {
            reply(exchange, 400, "application/json", "{\"error\":{\"code\":400,\"errors\":[{\"reason\":\"invalidArgument\"}],"
                + "\"message\":\"Recipient address required\"}}", Map.of());
            return;
        }
        String id = Long.toHexString(0x18c0000000L + ids.incrementAndGet());
        delivered.add(new Delivered("gmail", user, body, recipients, id, Map.of(), answerLost()));
        reply(exchange, 200, "application/json", "{\"id\":\"" + id + "\",\"threadId\":\"" + id + "\",\"labelIds\":[\"SENT\"]}", Map.of());
    }

    // ---------------------------------------------------------------- Microsoft identity

    private void microsoftTokenEndpoint(HttpExchange exchange, String tenant, byte[] body) throws IOException {
        microsoftTokenRequests.incrementAndGet();
        if (!post(exchange)) {
            return;
        }
        String type = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type"));
        if (!type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            // Entra reads only a form body: anything else looks like a request without parameters
            violation(exchange.getRequestURI().getPath() + ": Content-Type " + type + ", expected application/x-www-form-urlencoded");
            reply(exchange, 400, "application/json", "{\"error\":\"invalid_request\",\"error_description\":\"AADSTS900144:"
                + " The request body must contain the following parameter: 'grant_type'.\",\"error_codes\":[900144]}", Map.of());
            return;
        }
        Map<String, String> form = form(body);
        String secret = microsoftApps.get(tenant + "/" + form.getOrDefault("client_id", ""));
        if (secret == null || !secret.equals(form.get("client_secret"))) {
            reply(exchange, 401, "application/json", "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: Invalid"
                + " client secret provided.\",\"error_codes\":[7000215]}", Map.of());
            return;
        }
        String grant = form.getOrDefault("grant_type", "");
        String principal;
        String newRefreshToken = null;
        if (grant.equals("client_credentials")) {
            if (!form.getOrDefault("scope", "").contains("https://graph.microsoft.com/.default")) {
                violation("client credentials without the .default scope: " + form.get("scope"));
                reply(exchange, 400, "application/json", "{\"error\":\"invalid_scope\",\"error_description\":\"AADSTS1002012:"
                    + " The provided value for scope " + form.get("scope") + " is not valid. Client credential flows must have a"
                    + " scope value with /.default suffixed to the resource identifier (application ID URI).\","
                    + "\"error_codes\":[1002012]}", Map.of());
                return;
            }
            principal = "app:" + tenant + "/" + form.get("client_id");
        } else if (grant.equals("refresh_token")) {
            // Graph (API delivery) or Exchange Online SMTP (XOAUTH2 upstreams)
            if (!form.getOrDefault("scope", "").contains("https://graph.microsoft.com/")
                && !form.getOrDefault("scope", "").contains("https://outlook.office365.com/SMTP.Send")) {
                violation("delegated refresh without a Graph or SMTP scope: " + form.get("scope"));
                reply(exchange, 400, "application/json", "{\"error\":\"invalid_request\",\"error_description\":\"AADSTS900144:"
                    + " The request body must contain the following parameter: 'scope'.\",\"error_codes\":[900144]}", Map.of());
                return;
            }
            presentedMicrosoftRefreshTokens.add(form.getOrDefault("refresh_token", ""));
            String mailbox = microsoftRefreshTokens.remove(form.getOrDefault("refresh_token", ""));
            if (mailbox == null) {
                reply(exchange, 400, "application/json", "{\"error\":\"invalid_grant\",\"error_description\":\"AADSTS70000: The"
                    + " provided grant has expired due to it being revoked.\",\"error_codes\":[70000]}", Map.of());
                return;
            }
            newRefreshToken = "rt-" + UUID.randomUUID();
            microsoftRefreshTokens.put(newRefreshToken, mailbox);
            principal = "user:" + mailbox;
        } else {
            violation("Microsoft token: grant_type " + grant);
            reply(exchange, 400, "application/json", "{\"error\":\"unsupported_grant_type\"}", Map.of());
            return;
        }
        String token = "eyJ0eXAiOiJKV1Qi.fake-" + UUID.randomUUID();
        issuedMicrosoft.put(token, principal);
        reply(exchange, 200, "application/json", "{\"token_type\":\"Bearer\",\"expires_in\":" + expiresInSeconds
            + ",\"ext_expires_in\":" + expiresInSeconds + ",\"access_token\":\"" + token + "\""
            + (newRefreshToken == null ? "" : ",\"refresh_token\":\"" + newRefreshToken + "\",\"scope\":\"https://graph.microsoft.com/Mail.Send\"")
            + "}", Map.of());
    }

    // ---------------------------------------------------------------- Graph

    private void graph(HttpExchange exchange, Matcher path, byte[] body) throws IOException {
        String mailbox = URLDecoder.decode(path.group(1), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
        AtomicInteger inFlight = inFlightPerMailbox.computeIfAbsent(mailbox, k -> new AtomicInteger());
        int now = inFlight.incrementAndGet();
        // the request stops counting when its answer starts, as at Graph: a client that sends its next request as
        // soon as it reads this answer must not find the slot still taken
        AtomicBoolean counted = new AtomicBoolean(true);
        IN_FLIGHT_RELEASE.set(() -> {
            if (counted.compareAndSet(true, false)) {
                inFlight.decrementAndGet();
            }
        });
        try {
            maxInFlightPerMailbox.accumulateAndGet(now, Math::max);
            if (now > GRAPH_CONCURRENCY_PER_MAILBOX) {
                reply(exchange, 429, "application/json", "{\"error\":{\"code\":\"ApplicationThrottled\",\"message\":\"Application"
                    + " is over its MailboxConcurrency limit.\"}}", Map.of("Retry-After", "1"));
                return;
            }
            String principal = bearer(exchange, issuedMicrosoft);
            if (principal == null) {
                unauthorizedAnswers.incrementAndGet();
                reply(exchange, 401, "application/json", "{\"error\":{\"code\":\"InvalidAuthenticationToken\",\"message\":\"Access"
                    + " token validation failure.\"}}", Map.of());
                return;
            }
            if (principal.startsWith("user:") && !principal.substring(5).equalsIgnoreCase(mailbox)) {
                reply(exchange, 403, "application/json", "{\"error\":{\"code\":\"ErrorAccessDenied\",\"message\":\"Access is denied.\"}}", Map.of());
                return;
            }
            String what = path.group(2);
            String draftId = path.group(3);
            String sub = path.group(4);
            if (what.equals("sendMail") && draftId == null) {
                sendRequests.incrementAndGet();
                scripted(exchange, graphSend, () -> sendMail(exchange, mailbox, body));
            } else if (draftId == null && exchange.getRequestMethod().equals("POST")) {
                createDraft(exchange, mailbox, body);
            } else if ("send".equals(sub)) {
                sendRequests.incrementAndGet();
                scripted(exchange, graphSend, () -> sendDraft(exchange, mailbox, draftId));
            } else if ("attachments".equals(sub) && path.group(5) != null) {
                createUploadSession(exchange, draftId, body);
            } else if ("attachments".equals(sub)) {
                addAttachment(exchange, draftId, body);
            } else if (sub == null && exchange.getRequestMethod().equals("DELETE")) {
                drafts.remove(draftId);
                reply(exchange, 204, "application/json", "", Map.of());
            } else {
                violation("unexpected Graph request " + exchange.getRequestMethod() + " " + exchange.getRequestURI());
                reply(exchange, 400, "application/json", "{\"error\":{\"code\":\"BadRequest\"}}", Map.of());
            }
        } finally {
            IN_FLIGHT_RELEASE.get().run();
            IN_FLIGHT_RELEASE.remove();
        }
    }

    private void sendMail(HttpExchange exchange, String mailbox, byte[] body) throws IOException {
        if (!post(exchange) || !contentType(exchange, "text/plain")) {
            return;
        }
        byte[] mime = base64(exchange, body);
        if (mime == null) {
            return;
        }
        if (body.length > 4 * 1024 * 1024) {
            reply(exchange, 413, "application/json", "{\"error\":{\"code\":\"RequestEntityTooLarge\",\"message\":\"The maximum"
                + " request length supported is 4MB.\"}}", Map.of());
            return;
        }
        accept(exchange, mailbox, mime, Map.of());
    }

    private void accept(HttpExchange exchange, String mailbox, byte[] mime, Map<String, byte[]> attachments) throws IOException {
        List<String> recipients = recipients(mime);
        if (recipients.isEmpty()) {
            reply(exchange, 400, "application/json", "{\"error\":{\"code\":\"ErrorInvalidRecipients\",\"message\":\"At least one"
                + " recipient is required.\"}}", Map.of());
            return;
        }
        String requestId = UUID.randomUUID().toString();
        delivered.add(new Delivered("graph", mailbox, mime, recipients, requestId, attachments, answerLost()));
        reply(exchange, 202, "application/json", "", Map.of("request-id", requestId));
    }

    private void createDraft(HttpExchange exchange, String mailbox, byte[] body) throws IOException {
        if (!contentType(exchange, "text/plain")) {
            return;
        }
        if (body.length > 4 * 1024 * 1024) {
            reply(exchange, 413, "application/json", "{\"error\":{\"code\":\"RequestEntityTooLarge\"}}", Map.of());
            return;
        }
        byte[] mime = base64(exchange, body);
        if (mime == null) {
            return;
        }
        String id = "AAMk-draft-" + ids.incrementAndGet();
        drafts.put(id, new Draft(mailbox, mime));
        reply(exchange, 201, "application/json", "{\"id\":\"" + id + "\",\"isDraft\":true}", Map.of());
    }

    private void addAttachment(HttpExchange exchange, String draftId, byte[] body) throws IOException {
        Draft draft = drafts.get(draftId);
        if (draft == null || !contentType(exchange, "application/json")) {
            if (draft == null) {
                reply(exchange, 404, "application/json", "{\"error\":{\"code\":\"ErrorItemNotFound\"}}", Map.of());
            }
            return;
        }
        JsonNode json = JSON.readTree(body);
        if (!"#microsoft.graph.fileAttachment".equals(json.path("@odata.type").asText())) {
            violation("attachment without @odata.type fileAttachment");
            reply(exchange, 400, "application/json", "{\"error\":{\"code\":\"RequestBodyRead\",\"message\":\"The property"
                + " 'contentBytes' does not exist on type 'microsoft.graph.attachment'. Make sure to only use property names"
                + " that are defined by the type or mark the type as open type.\"}}", Map.of());
            return;
        }
        byte[] content = Base64.getDecoder().decode(json.path("contentBytes").asText(""));
        if (content.length >= 3 * 1024 * 1024) {
            reply(exchange, 413, "application/json", "{\"error\":{\"code\":\"ErrorRequestEntityTooLarge\",\"message\":\"use an"
                + " upload session for attachments of 3 MB or more\"}}", Map.of());
            return;
        }
        draft.attachments.put(json.path("name").asText(), content);
        reply(exchange, 201, "application/json", "{\"id\":\"att-" + ids.incrementAndGet() + "\"}", Map.of());
    }

    private void createUploadSession(HttpExchange exchange, String draftId, byte[] body) throws IOException {
        Draft draft = drafts.get(draftId);
        if (draft == null) {
            reply(exchange, 404, "application/json", "{\"error\":{\"code\":\"ErrorItemNotFound\"}}", Map.of());
            return;
        }
        if (!contentType(exchange, "application/json")) {
            return;
        }
        JsonNode item = JSON.readTree(body).path("AttachmentItem");
        long size = item.path("size").asLong(-1);
        if (!"file".equals(item.path("attachmentType").asText()) || size <= 0 || item.path("name").asText("").isEmpty()) {
            violation("bad AttachmentItem " + item);
            reply(exchange, 400, "application/json", "{\"error\":{\"code\":\"ErrorInvalidRequest\"}}", Map.of());
            return;
        }
        if (size > 150L * 1024 * 1024) {
            reply(exchange, 400, "application/json", "{\"error\":{\"code\":\"ErrorAttachmentSizeShouldNotBeLessThanMinimumSize\"}}", Map.of());
            return;
        }
        String session = UUID.randomUUID().toString();
        uploads.put(session, new UploadSession(draft, item.path("name").asText(), (int) size));
        reply(exchange, 201, "application/json", "{\"uploadUrl\":\"" + base() + "/upload-session/" + session
            + "\",\"expirationDateTime\":\"2030-01-01T00:00:00Z\",\"nextExpectedRanges\":[\"0-\"]}", Map.of());
    }

    private void uploadEndpoint(HttpExchange exchange, String session, byte[] body) throws IOException {
        UploadSession upload = uploads.get(session);
        if (upload == null) {
            reply(exchange, 404, "application/json", "{\"error\":{\"code\":\"ErrorItemNotFound\"}}", Map.of());
            return;
        }
        if (exchange.getRequestHeaders().getFirst("Authorization") != null) {
            // the uploadUrl is pre-authenticated; Graph answers 401 when a bearer token is sent along
            violation("Authorization header sent to the pre-authenticated uploadUrl");
            reply(exchange, 401, "application/json", "{\"error\":{\"code\":\"InvalidAudience\"}}", Map.of());
            return;
        }
        if (!exchange.getRequestMethod().equals("PUT") || !contentType(exchange, "application/octet-stream")) {
            return;
        }
        Matcher range = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+)").matcher(
            String.valueOf(exchange.getRequestHeaders().getFirst("Content-Range")));
        if (!range.matches() || Long.parseLong(range.group(1)) != upload.received
            || Long.parseLong(range.group(3)) != upload.content.length
            || Long.parseLong(range.group(2)) - Long.parseLong(range.group(1)) + 1 != body.length
            || body.length > 4 * 1024 * 1024) {
            violation("bad Content-Range " + exchange.getRequestHeaders().getFirst("Content-Range") + " for " + body.length
                + " bytes, expected start " + upload.received);
            reply(exchange, 416, "application/json", "{\"error\":{\"code\":\"InvalidRange\"}}", Map.of());
            return;
        }
        System.arraycopy(body, 0, upload.content, upload.received, body.length);
        upload.received += body.length;
        if (upload.received == upload.content.length) {
            upload.draft.attachments.put(upload.name, upload.content);
            uploads.remove(session);
            reply(exchange, 201, "application/json", "", Map.of("Location", "https://graph.fake/attachments/" + session));
        } else {
            reply(exchange, 200, "application/json", "{\"nextExpectedRanges\":[\"" + upload.received + "-\"]}", Map.of());
        }
    }

    private void sendDraft(HttpExchange exchange, String mailbox, String draftId) throws IOException {
        Draft draft = drafts.remove(draftId);
        if (draft == null || !draft.mailbox.equals(mailbox)) {
            reply(exchange, 404, "application/json", "{\"error\":{\"code\":\"ErrorItemNotFound\"}}", Map.of());
            return;
        }
        accept(exchange, mailbox, draft.mime, new LinkedHashMap<>(draft.attachments));
    }

    // ---------------------------------------------------------------- helpers

    private static final class Draft {
        final String mailbox;
        final byte[] mime;
        final Map<String, byte[]> attachments = new ConcurrentHashMap<>();

        Draft(String mailbox, byte[] mime) {
            this.mailbox = mailbox;
            this.mime = mime;
        }
    }

    private static final class UploadSession {
        final Draft draft;
        final String name;
        final byte[] content;
        int received;

        UploadSession(Draft draft, String name, int size) {
            this.draft = draft;
            this.name = name;
            this.content = new byte[size];
        }
    }

    private String bearer(HttpExchange exchange, Map<String, String> issued) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.startsWith("Bearer ")) {
            return null;
        }
        return issued.get(header.substring("Bearer ".length()));
    }

    private boolean post(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestMethod().equals("POST")) {
            violation("expected POST, got " + exchange.getRequestMethod() + " " + exchange.getRequestURI());
            reply(exchange, 405, "application/json", "{}", Map.of());
            return false;
        }
        return true;
    }

    private boolean contentType(HttpExchange exchange, String expected) throws IOException {
        String actual = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type"));
        if (!actual.toLowerCase(Locale.ROOT).startsWith(expected)) {
            violation(exchange.getRequestURI().getPath() + ": Content-Type " + actual + ", expected " + expected);
            reply(exchange, 415, "application/json", "{\"error\":{\"code\":\"UnsupportedMediaType\"}}", Map.of());
            return false;
        }
        return true;
    }

    private byte[] base64(HttpExchange exchange, byte[] body) throws IOException {
        try {
            return Base64.getDecoder().decode(new String(body, StandardCharsets.US_ASCII).trim());
        } catch (IllegalArgumentException e) {
            violation("invalid base64 MIME body");
            reply(exchange, 400, "application/json", "{\"error\":{\"code\":\"ErrorMimeContentInvalidBase64String\",\"message\":"
                + "\"Invalid base64 string for MIME content.\"}}", Map.of());
            return null;
        }
    }

    /** To, Cc and Bcc of a raw message: who Gmail and Graph send it to. */
    static List<String> recipients(byte[] mime) {
        List<String> all = new ArrayList<>();
        try {
            InternetHeaders headers = new InternetHeaders(new ByteArrayInputStream(mime));
            for (String name : List.of("To", "Cc", "Bcc")) {
                String[] values = headers.getHeader(name);
                if (values != null) {
                    for (String value : values) {
                        for (InternetAddress address : InternetAddress.parseHeader(value, false)) {
                            all.add(address.getAddress().toLowerCase(Locale.ROOT));
                        }
                    }
                }
            }
        } catch (Exception e) {
            // unparsable headers: no recipients
        }
        return all;
    }

    /** The uploaded message parsed (for tests that look at parts). */
    public static MimeMessage parse(byte[] mime) {
        try {
            return new MimeMessage(Session.getInstance(new java.util.Properties()), new ByteArrayInputStream(mime));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> form(byte[] body) {
        Map<String, String> form = new HashMap<>();
        for (String pair : new String(body, StandardCharsets.UTF_8).split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return form;
    }

    private void violation(String text) {
        violations.add(text);
    }

    private void reply(HttpExchange exchange, int status, String contentType, String body, Map<String, String> headers)
        throws IOException {
        if (CURRENT_FAULT.get() == Faults.Http.ENDLESS_BODY && status / 100 == 2) {
            endlessBody(exchange, status, contentType, body, headers);
            return;
        }
        LoopbackHttpServer.reply(exchange, status, contentType, body, headers, FakeProviders::releaseInFlight);
    }

    private static void releaseInFlight() {
        Runnable release = IN_FLIGHT_RELEASE.get();
        if (release != null) {
            release.run();
        }
    }

    /** Fault: announces more than is ever sent, sends what there is, and keeps the connection open until the stall ends. */
    private void endlessBody(HttpExchange exchange, int status, String contentType, String body, Map<String, String> headers)
        throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (!body.isEmpty()) {
            exchange.getResponseHeaders().set("Content-Type", contentType);
        }
        headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        releaseInFlight();
        exchange.sendResponseHeaders(status, bytes.length + 4096);
        OutputStream out = exchange.getResponseBody();
        out.write(bytes);
        out.flush();
        openEndlessBodies.incrementAndGet();
        try {
            untilClosed(faults.stall().toMillis());
        } finally {
            openEndlessBodies.decrementAndGet();
        }
        throw new IOException("endless body abandoned");
    }

    /** Simulated latency or a hung call: waits that long, or less if the fake is closed meanwhile. */
    private void untilClosed(long millis) {
        try {
            closed.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static Set<String> lower(List<String> values) {
        Set<String> out = new java.util.HashSet<>();
        values.forEach(v -> out.add(v.toLowerCase(Locale.ROOT)));
        return out;
    }
}
