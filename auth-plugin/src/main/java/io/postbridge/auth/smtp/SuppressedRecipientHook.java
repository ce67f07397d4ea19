package io.postbridge.auth.smtp;

import java.util.Map;
import java.util.Optional;

import javax.inject.Inject;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.RcptHook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.postbridge.core.accounts.Account;
import io.postbridge.core.auth.SmtpPrincipal;
import io.postbridge.core.store.StoreException;
import io.postbridge.core.suppression.Suppression;
import io.postbridge.core.suppression.SuppressionList;
import io.postbridge.core.suppression.SuppressionPolicy;

/**
 * Refuses, at RCPT on the submission ports, a recipient the sending account (or every account) has suppressed:
 * {@code 550 5.1.1} (or {@code 5.7.1} after a complaint) saying why and since when, so the client's own bounce
 * tells the sender. Only authenticated sessions are checked (an account's name, or the James user's name, is the
 * scope). A store outage answers {@code 451 4.3.0}: the mail is neither lost nor sent to a suppressed address.
 *
 * <pre>{@code <handler class="io.postbridge.auth.smtp.SuppressedRecipientHook"/>}</pre>
 */
public class SuppressedRecipientHook implements RcptHook {
    private static final Logger LOGGER = LoggerFactory.getLogger(SuppressedRecipientHook.class);

    static final HookResult STORE_UNAVAILABLE =
        SmtpReplies.denySoft("451", "4.3.0 Temporary failure checking the suppression list; try again later");

    private final SuppressionList suppressions;

    @Inject
    public SuppressedRecipientHook(SuppressionList suppressions) {
        this.suppressions = suppressions;
    }

    private io.postbridge.core.metrics.PostbridgeMetrics metrics = io.postbridge.core.metrics.PostbridgeMetrics.NONE;

    /** Where refusals are counted (docs/observability.md). */
    @Inject
    public void recordTo(io.postbridge.core.metrics.PostbridgeMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress rcpt, Map<String, String> parameters) {
        Optional<String> scope = scope(session);
        if (scope.isEmpty()) {
            return HookResult.DECLINED;
        }
        Optional<Suppression> suppressed;
        try {
            suppressed = suppressions.check(scope.get(), rcpt.asString());
        } catch (StoreException e) {
            LOGGER.warn("Postbridge: suppression list unreadable, RCPT {} deferred: {}", rcpt.asString(), e.getMessage());
            return STORE_UNAVAILABLE;
        }
        if (suppressed.isEmpty()) {
            return HookResult.DECLINED;
        }
        if (suppressions.enforcement(scope.get()) == SuppressionPolicy.Enforcement.ACCEPT_AND_DROP) {
            // accepted; DropSuppressedRecipients (root processor) drops it with an event
            return HookResult.DECLINED;
        }
        String[] reply = SuppressionList.rejection(suppressed.get());
        LOGGER.info("Postbridge: RCPT {} refused for {}: suppressed ({})", rcpt.asString(), SmtpSessions.describe(session),
            suppressed.get().reason().wireName());
        metrics.increment(io.postbridge.core.metrics.MetricNames.refused(io.postbridge.core.metrics.MetricNames.Refusal.SUPPRESSION));
        return SmtpReplies.deny(reply[0], reply[1]);
    }

    private static Optional<String> scope(SMTPSession session) {
        Optional<String> account = SmtpSessions.principal(session).flatMap(SmtpPrincipal::account).map(Account::name);
        if (account.isPresent()) {
            return account;
        }
        return Optional.ofNullable(session.getUsername()).map(user -> user.asString());
    }
}
