package io.postbridge.auth.smtp;

import java.util.Optional;

import javax.inject.Inject;

import org.apache.commons.configuration2.Configuration;
import org.apache.james.core.Username;
import org.apache.james.protocols.api.OidcSASLConfiguration;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.AuthHook;
import org.apache.james.protocols.smtp.hook.Hook;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookResultHook;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.smtpserver.UsersRepositoryAuthHook;
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
 * client secret. Other credentials go on to James's users repository (mailbox users), unless
 * {@code <fallbackToJamesUsers>false</fallbackToJamesUsers>}.
 *
 * <p>Also enforces, for every AUTH whoever checks it: TLS first ({@code 538 5.7.11}; James's
 * {@code auth.requireSSL} only hides AUTH from EHLO) and the brute-force throttle ({@code 454 4.7.0} and the
 * connection is closed). As a {@link HookResultHook} it counts the failures of James's users repository too.
 *
 * <pre>{@code <handler class="io.postbridge.auth.smtp.ApiKeyAuthHook"/>}</pre>
 */
public class ApiKeyAuthHook implements AuthHook, HookResultHook {
    private static final Logger LOGGER = LoggerFactory.getLogger(ApiKeyAuthHook.class);
    static final HookResult ENCRYPTION_REQUIRED = SmtpReplies.deny("538", "5.7.11 Encryption required for requested authentication mechanism");
    static final HookResult INVALID = SmtpReplies.deny("535", "5.7.8 Authentication credentials invalid");
    static final HookResult DISABLED = SmtpReplies.deny("535", "5.7.8 Authentication credentials invalid: account disabled");
    static final HookResult THROTTLED = SmtpReplies.denySoftAndDisconnect("454",
        "4.7.0 Too many failed authentication attempts from your address or for this user, try again later");
    static final HookResult UNAVAILABLE = SmtpReplies.denySoft("454", "4.7.0 Temporary authentication failure, try again later");

    private final SmtpAuthenticator authenticator;
    private boolean allowPlaintextAuth;
    private boolean fallbackToJamesUsers = true;

    @Inject
    public ApiKeyAuthHook(PostbridgeBackend backend) {
        this.authenticator = backend.authenticator();
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
                SmtpSessions.rememberDeclinedAuth(session, user);
                return HookResult.DECLINED;
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

    /** Sees the answer of James's users repository to an AUTH this hook declined, to count its failures. */
    @Override
    public HookResult onHookResult(SMTPSession session, HookResult result, long executionTime, Hook hook) {
        if (!(hook instanceof UsersRepositoryAuthHook)) {
            return result;
        }
        Optional<String> user = SmtpSessions.takeDeclinedAuth(session);
        if (user.isEmpty()) {
            return result;
        }
        if (result.getResult().getAction() == HookReturnCode.Action.OK) {
            authenticator.recordSuccess(user.get());
            return result;
        }
        authenticator.recordFailure(SmtpSessions.clientIp(session), user.get());
        return INVALID;
    }
}
