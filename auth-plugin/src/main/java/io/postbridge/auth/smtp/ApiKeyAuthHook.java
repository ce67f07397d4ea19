package io.postbridge.auth.smtp;

import java.util.Optional;

import javax.inject.Inject;

import org.apache.commons.configuration2.Configuration;
import org.apache.james.core.Username;
import org.apache.james.protocols.api.OidcSASLConfiguration;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.AuthHook;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.user.api.UsersRepository;
import org.apache.james.user.api.UsersRepositoryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.postbridge.core.PostbridgeBackend;
import io.postbridge.core.auth.AuthFailureThrottle;
import io.postbridge.core.auth.AuthOutcome;
import io.postbridge.core.auth.SmtpAuthenticator;
import io.postbridge.core.auth.SmtpPrincipal;

/**
 * SMTP AUTH (PLAIN and LOGIN) with Postbridge credentials: username = account name (or one of its sender
 * addresses), password = one of its API keys; or, with Microsoft pass-through, {@code tenant@client} and that app's
 * client secret. Other credentials are checked against James's users repository (mailbox users, as James's own
 * UsersRepositoryAuthHook does), unless {@code <fallbackToJamesUsers>false</fallbackToJamesUsers>}.
 *
 * <p>For every AUTH it enforces TLS first ({@code 538 5.7.11}; James's {@code auth.requireSSL} only hides AUTH from
 * EHLO) and the brute-force throttle ({@code 454 4.7.0}, then the connection is closed); wrong credentials of either
 * kind get {@code 535 5.7.8} and count towards the throttle.
 *
 * <pre>{@code <handler class="io.postbridge.auth.smtp.ApiKeyAuthHook"/>}</pre>
 */
public class ApiKeyAuthHook implements AuthHook {
    private static final Logger LOGGER = LoggerFactory.getLogger(ApiKeyAuthHook.class);
    static final HookResult ENCRYPTION_REQUIRED = SmtpReplies.deny("538", "5.7.11 Encryption required for requested authentication mechanism");
    static final HookResult INVALID = SmtpReplies.deny("535", "5.7.8 Authentication credentials invalid");
    static final HookResult DISABLED = SmtpReplies.deny("535", "5.7.8 Authentication credentials invalid: account disabled");
    static final HookResult THROTTLED = SmtpReplies.denySoftAndDisconnect("454",
        "4.7.0 Too many failed authentication attempts from your address or for this user, try again later");
    static final HookResult UNAVAILABLE = SmtpReplies.denySoft("454", "4.7.0 Temporary authentication failure, try again later");

    private final SmtpAuthenticator authenticator;
    private final UsersRepository users;
    private boolean allowPlaintextAuth;
    private boolean fallbackToJamesUsers = true;

    @Inject
    public ApiKeyAuthHook(PostbridgeBackend backend, UsersRepository users) {
        this.authenticator = backend.authenticator();
        this.users = users;
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

    @Override
    public HookResult doAuth(SMTPSession session, Username username, String password) {
        if (!session.isTLSStarted() && !allowPlaintextAuth) {
            return ENCRYPTION_REQUIRED;
        }
        String user = SmtpSessions.rawUsername(username);
        String clientIp = SmtpSessions.clientIp(session);
        if (!authenticator.handles(user, password)) {
            Optional<AuthFailureThrottle.Block> block = authenticator.blocked(clientIp, user);
            if (block.isPresent()) {
                LOGGER.warn("Postbridge: AUTH from {} as '{}' refused without checking: too many failures ({}) until {}",
                    clientIp, user, block.get().reason(), block.get().until());
                return THROTTLED;
            }
            if (fallbackToJamesUsers) {
                return jamesUser(session, username, password, clientIp);
            }
        }
        AuthOutcome outcome = authenticator.authenticate(user, password, clientIp);
        switch (outcome.status()) {
            case SUCCESS:
                SmtpPrincipal principal = outcome.principal().orElseThrow();
                SmtpSessions.setPrincipal(session, principal);
                session.setUsername(principal.kind() == SmtpPrincipal.Kind.MICROSOFT_APP ? username : Username.of(principal.name()));
                // James's AuthCmdHandler sets neither: without this the client could not relay
                session.setRelayingAllowed(true);
                return SmtpReplies.ok("235", "2.7.0 Authentication successful");
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

    @Override
    public HookResult doSasl(SMTPSession session, OidcSASLConfiguration configuration, String initialResponse) {
        return HookResult.DECLINED;
    }

    /** A James mailbox user with its James password. */
    private HookResult jamesUser(SMTPSession session, Username username, String password, String clientIp) {
        try {
            if (users.test(username, password)) {
                authenticator.recordSuccess(username.asString());
                session.setUsername(username);
                session.setRelayingAllowed(true);
                return SmtpReplies.ok("235", "2.7.0 Authentication successful");
            }
        } catch (UsersRepositoryException e) {
            LOGGER.warn("Postbridge: cannot check James user {}: {}", username.asString(), e.getMessage());
            return UNAVAILABLE;
        }
        authenticator.recordFailure(clientIp, username.asString());
        return INVALID;
    }
}
