package io.postbridge.auth.smtp;

import java.util.Optional;

import javax.inject.Inject;

import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.MailHook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.postbridge.core.accounts.Account;
import io.postbridge.core.accounts.AccountRepository;
import io.postbridge.core.accounts.TrustedNetworks;
import io.postbridge.core.auth.SmtpPrincipal;

/**
 * Devices that cannot AUTH (printers, scanners): an unauthenticated client whose IP is in a trusted network
 * (WebAdmin {@code /postbridge/accounts/NAME/networks}) submits as that account, under its sender policy and
 * rate limits. Everyone else unauthenticated stays unable to relay. List it before SenderPolicyHook.
 *
 * <pre>{@code <handler class="io.postbridge.auth.smtp.TrustedNetworkHook"/>}</pre>
 */
public class TrustedNetworkHook implements MailHook {
    private static final Logger LOGGER = LoggerFactory.getLogger(TrustedNetworkHook.class);

    private final TrustedNetworks networks;
    private final AccountRepository accounts;

    @Inject
    public TrustedNetworkHook(TrustedNetworks networks, AccountRepository accounts) {
        this.networks = networks;
        this.accounts = accounts;
    }

    @Override
    public HookResult doMail(SMTPSession session, MaybeSender sender) {
        if (session.getUsername() != null || SmtpSessions.principal(session).isPresent()) {
            return HookResult.DECLINED;
        }
        Optional<Account> account = networks.accountFor(session.getRemoteAddress().getAddress()).flatMap(accounts::findById);
        if (account.isEmpty()) {
            return HookResult.DECLINED;
        }
        if (!account.get().enabled()) {
            LOGGER.info("Postbridge: client {} is in a trusted network of account '{}', which is disabled: not trusted",
                SmtpSessions.clientIp(session), account.get().name());
            return HookResult.DECLINED;
        }
        SmtpSessions.setPrincipal(session, SmtpPrincipal.trustedNetwork(account.get()));
        session.setRelayingAllowed(true);
        LOGGER.debug("Postbridge: client {} submits as account '{}' (trusted network)", SmtpSessions.clientIp(session), account.get().name());
        return HookResult.DECLINED;
    }
}
