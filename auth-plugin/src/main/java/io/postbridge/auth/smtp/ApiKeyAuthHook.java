package io.postbridge.auth.smtp;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javax.inject.Inject;

import org.apache.commons.configuration2.Configuration;
import org.apache.james.core.Username;
import org.apache.james.protocols.api.OidcSASLConfiguration;
import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.CommandHandler;
import org.apache.james.protocols.api.handler.LineHandler;
import org.apache.james.protocols.smtp.SMTPResponse;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.AuthHook;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.user.api.UsersRepository;
import org.apache.james.user.api.UsersRepositoryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.postbridge.core.auth.AuthFailureThrottle;
import io.postbridge.core.auth.AuthOutcome;
import io.postbridge.core.auth.SmtpAuthenticator;
import io.postbridge.core.auth.SmtpPrincipal;

/**
 * SMTP AUTH PLAIN and LOGIN with Postbridge credentials: username = account name (or one of its sender addresses),
 * password = one of its API keys; or, with Microsoft pass-through, {@code tenant@client} and that app's client
 * secret. Other credentials are checked against James's users repository (mailbox users, as James's own
 * UsersRepositoryAuthHook would), unless {@code <fallbackToJamesUsers>false</fallbackToJamesUsers>}.
 *
 * <p>For every AUTH it enforces TLS first ({@code 538 5.7.11}: James's {@code auth.requireSSL} only hides AUTH from
 * EHLO) and the brute-force throttle ({@code 454 4.7.0}, then the connection is closed); wrong credentials get
 * {@code 535 5.7.8} and count towards the throttle. On success it sets the session's user and allows relaying
 * (James's AuthCmdHandler does neither).
 *
 * <p>It answers the AUTH PLAIN/LOGIN exchange itself (as a command handler listed before James's), because James
 * turns the username into a {@link Username} first: that lower-cases the part before '@' (breaking the compact
 * base64url tenant id) and rejects a domain part starting with a digit (most Entra client ids). When James's
 * AuthCmdHandler comes first instead, the same checks run through {@link AuthHook#doAuth}. Other mechanisms
 * (OAUTHBEARER) stay James's.
 *
 * <pre>{@code <handler class="io.postbridge.auth.smtp.ApiKeyAuthHook"/>}</pre>
 */
public class ApiKeyAuthHook implements AuthHook, CommandHandler<SMTPSession> {
    private static final Logger LOGGER = LoggerFactory.getLogger(ApiKeyAuthHook.class);
    static final HookResult ENCRYPTION_REQUIRED = SmtpReplies.deny("538", "5.7.11 Encryption required for requested authentication mechanism");
    static final HookResult INVALID = SmtpReplies.deny("535", "5.7.8 Authentication credentials invalid");
    static final HookResult DISABLED = SmtpReplies.deny("535", "5.7.8 Authentication credentials invalid: account disabled");
    static final HookResult THROTTLED = SmtpReplies.denySoftAndDisconnect("454",
        "4.7.0 Too many failed authentication attempts from your address or for this user, try again later");
    static final HookResult UNAVAILABLE = SmtpReplies.denySoft("454", "4.7.0 Temporary authentication failure, try again later");
    static final HookResult AUTHORIZATION_IDENTITY_UNSUPPORTED =
        SmtpReplies.deny("535", "5.7.8 Acting as another user (authorization identity) is not supported");
    static final HookResult AUTHENTICATED = SmtpReplies.ok("235", "2.7.0 Authentication successful");

    // a new response each time: SMTPResponse is mutable (appendLine)
    static SMTPResponse cannotDecode(String what) {
        return new SMTPResponse("501", "5.5.2 Cannot decode the " + what);
    }

    static SMTPResponse aborted() {
        return new SMTPResponse("501", "5.0.0 Authentication aborted");
    }
    private static final String USERNAME_CHALLENGE = Base64.getEncoder().encodeToString("Username:".getBytes(StandardCharsets.US_ASCII));
    private static final String PASSWORD_CHALLENGE = Base64.getEncoder().encodeToString("Password:".getBytes(StandardCharsets.US_ASCII));

    private final SmtpAuthenticator authenticator;
    private final UsersRepository users;
    private boolean allowPlaintextAuth;
    private boolean fallbackToJamesUsers = true;

    @Inject
    public ApiKeyAuthHook(SmtpAuthenticator authenticator, UsersRepository users) {
        this.authenticator = authenticator;
        this.users = users;
    }

    private io.postbridge.core.metrics.PostbridgeMetrics metrics = io.postbridge.core.metrics.PostbridgeMetrics.NONE;

    /** Where refusals are counted (docs/observability.md). */
    @Inject
    public void recordTo(io.postbridge.core.metrics.PostbridgeMetrics metrics) {
        this.metrics = metrics;
    }

    /** Counts an AUTH outcome per mechanism (and a throttled AUTH as a refusal), then returns it. */
    private HookResult counted(String mechanism, HookResult result) {
        String outcome = result == AUTHENTICATED ? "ok" : result == THROTTLED ? "throttled" : result == DISABLED ? "disabled"
            : result == UNAVAILABLE ? "unavailable" : result == ENCRYPTION_REQUIRED ? "encryption_required" : "invalid";
        metrics.increment(io.postbridge.core.metrics.MetricNames.smtpAuth(mechanism, outcome));
        if (result == THROTTLED) {
            metrics.increment(io.postbridge.core.metrics.MetricNames.refused(io.postbridge.core.metrics.MetricNames.Refusal.THROTTLE));
        }
        return result;
    }

    @Override
    public void init(Configuration config) {
        allowPlaintextAuth = config.getBoolean("allowPlaintextAuth", false);
        fallbackToJamesUsers = config.getBoolean("fallbackToJamesUsers", true);
        if (allowPlaintextAuth) {
            LOGGER.warn("Postbridge: ApiKeyAuthHook accepts AUTH without TLS on this listener (allowPlaintextAuth=true): "
                + "API keys travel in clear text. Use this on a test or loopback-only listener only.");
        }
    }

    // ---- the AUTH command (PLAIN and LOGIN) ----

    @Override
    public Collection<String> getImplCommands() {
        return List.of("AUTH");
    }

    @Override
    public Response onCommand(SMTPSession session, Request request) {
        if (session.getUsername() != null || request.getArgument() == null || !session.getConfiguration().isPlainAuthEnabled()) {
            return null; // James answers: already authenticated, syntax error, or mechanism unavailable
        }
        String[] parts = request.getArgument().trim().split("\\s+", 2);
        String mechanism = parts[0].toUpperCase(Locale.US);
        Optional<String> initialResponse = parts.length > 1 ? Optional.of(parts[1]) : Optional.empty();
        if (!mechanism.equals("PLAIN") && !mechanism.equals("LOGIN")) {
            return null;
        }
        if (!session.isTLSStarted() && !allowPlaintextAuth) {
            return response(counted(mechanism, ENCRYPTION_REQUIRED));
        }
        if (mechanism.equals("PLAIN")) {
            if (initialResponse.isPresent()) {
                return plain(session, initialResponse.get());
            }
            session.pushLineHandler(lineHandler(line -> plain(session, line)));
            return new SMTPResponse("334", "");
        }
        if (initialResponse.isPresent()) {
            return loginUsername(session, initialResponse.get());
        }
        session.pushLineHandler(lineHandler(line -> loginUsername(session, line)));
        return new SMTPResponse("334", USERNAME_CHALLENGE);
    }

    private Response plain(SMTPSession session, String base64) {
        Optional<String> decoded = decode(base64);
        if (decoded.isEmpty()) {
            return cannotDecode("AUTH PLAIN parameter");
        }
        // [authorization id] NUL authentication id NUL password (RFC 4616)
        String[] fields = decoded.get().split("\u0000", -1);
        if (fields.length == 2) {
            fields = new String[] {"", fields[0], fields[1]};
        }
        if (fields.length != 3 || fields[1].isEmpty()) {
            return cannotDecode("AUTH PLAIN parameter");
        }
        if (!fields[0].isEmpty() && !fields[0].equalsIgnoreCase(fields[1])) {
            return response(AUTHORIZATION_IDENTITY_UNSUPPORTED);
        }
        return response(counted("plain", check(session, fields[1], fields[2], tryUsername(fields[1]))));
    }

    private Response loginUsername(SMTPSession session, String base64) {
        Optional<String> user = decode(base64);
        if (user.isEmpty() || user.get().isEmpty()) {
            return cannotDecode("AUTH LOGIN username");
        }
        session.pushLineHandler(lineHandler(line -> {
            Optional<String> password = decode(line);
            if (password.isEmpty()) {
                return cannotDecode("AUTH LOGIN password");
            }
            return response(counted("login", check(session, user.get(), password.get(), tryUsername(user.get()))));
        }));
        return new SMTPResponse("334", PASSWORD_CHALLENGE);
    }

    private interface LineStep {
        Response next(String line);
    }

    /** One step of the exchange: removes itself, honours "*" (the client gives up, RFC 4954). */
    private static LineHandler<SMTPSession> lineHandler(LineStep step) {
        return new LineHandler<>() {
            @Override
            public Response onLine(SMTPSession session, byte[] bytes) {
                session.popLineHandler();
                String line = new String(bytes, StandardCharsets.US_ASCII).trim();
                if (line.equals("*")) {
                    return aborted();
                }
                return step.next(line);
            }
        };
    }

    private static Optional<String> decode(String base64) {
        try {
            return Optional.of(new String(Base64.getDecoder().decode(base64.trim()), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Optional<Username> tryUsername(String raw) {
        try {
            return Optional.of(Username.of(raw));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Response response(HookResult result) {
        SMTPResponse response = new SMTPResponse(result.getSmtpRetCode(), result.getSmtpDescription());
        if (result.getResult().isDisconnected()) {
            response.setEndSession(true);
        }
        return response;
    }

    // ---- the same checks when James's AuthCmdHandler asks (it runs first if listed before this handler) ----

    @Override
    public HookResult doAuth(SMTPSession session, Username username, String password) {
        if (!session.isTLSStarted() && !allowPlaintextAuth) {
            return counted("james", ENCRYPTION_REQUIRED);
        }
        // James's own AUTH handler asked (it does not say which mechanism)
        return counted("james", check(session, SmtpSessions.rawUsername(username), password, Optional.of(username)));
    }

    @Override
    public HookResult doSasl(SMTPSession session, OidcSASLConfiguration configuration, String initialResponse) {
        return HookResult.DECLINED;
    }

    // ---- the checks ----

    private HookResult check(SMTPSession session, String user, String password, Optional<Username> jamesUsername) {
        String clientIp = SmtpSessions.clientIp(session);
        if (!authenticator.handles(user, password)) {
            Optional<AuthFailureThrottle.Block> block = authenticator.blocked(clientIp, user);
            if (block.isPresent()) {
                LOGGER.warn("Postbridge: AUTH from {} as '{}' refused without checking: too many failures ({}) until {}",
                    clientIp, user, block.get().reason(), block.get().until());
                return THROTTLED;
            }
            if (fallbackToJamesUsers) {
                return jamesUser(session, user, jamesUsername, password, clientIp);
            }
        }
        AuthOutcome outcome = authenticator.authenticate(user, password, clientIp);
        switch (outcome.status()) {
            case SUCCESS:
                SmtpPrincipal principal = outcome.principal().orElseThrow();
                SmtpSessions.setPrincipal(session, principal);
                session.setUsername(Username.of(principal.kind() == SmtpPrincipal.Kind.MICROSOFT_APP
                    ? principal.microsoftApp().orElseThrow().id().asUsername() : principal.name()));
                // James's AuthCmdHandler sets neither: without this the client could not relay
                session.setRelayingAllowed(true);
                return AUTHENTICATED;
            case DISABLED:
                return DISABLED;
            case THROTTLED:
                return THROTTLED;
            case UNAVAILABLE:
                return UNAVAILABLE;
            case INVALID:
            default:
                return INVALID;
        }
    }

    /** A James mailbox user with its James password. */
    private HookResult jamesUser(SMTPSession session, String user, Optional<Username> username, String password, String clientIp) {
        try {
            if (username.isPresent() && users.test(username.get(), password)) {
                authenticator.recordSuccess(user);
                session.setUsername(username.get());
                session.setRelayingAllowed(true);
                return AUTHENTICATED;
            }
        } catch (UsersRepositoryException e) {
            LOGGER.warn("Postbridge: cannot check James user {}: {}", user, e.getMessage());
            return UNAVAILABLE;
        }
        authenticator.recordFailure(clientIp, user);
        return INVALID;
    }

}
