package io.postbridge.auth.smtp;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;

import javax.inject.Inject;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.MailHook;
import org.apache.james.protocols.smtp.hook.RcptHook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.postbridge.core.accounts.Account;
import io.postbridge.core.auth.SmtpPrincipal;
import io.postbridge.core.ratelimit.AccountRateLimits;
import io.postbridge.core.ratelimit.RateLimitDecision;

/**
 * Per-account rate limits: messages per minute (counted at MAIL, refused with {@code 451 4.7.1}) and recipients
 * per day (counted at RCPT, refused with {@code 452 4.7.1}). The limits of the account, or the defaults of
 * postbridge.properties; James mailbox users and Microsoft apps get the defaults. Unauthenticated mail (inbound
 * to local users) is not counted. List it after SenderPolicyHook, so a refused sender is not counted.
 *
 * <pre>{@code <handler class="io.postbridge.auth.smtp.RateLimitHook"/>}</pre>
 */
public class RateLimitHook implements MailHook, RcptHook {
    private static final Logger LOGGER = LoggerFactory.getLogger(RateLimitHook.class);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private final AccountRateLimits limits;

    private final Refusals refusals = new Refusals();

    @Inject
    public RateLimitHook(AccountRateLimits limits) {
        this.limits = limits;
    }

    @Override
    public HookResult doMail(SMTPSession session, MaybeSender sender) {
        Optional<String> subject = subject(session);
        if (subject.isEmpty()) {
            return HookResult.DECLINED;
        }
        RateLimitDecision decision = limits.message(subject.get(), account(session));
        if (decision.isAllowed()) {
            return HookResult.DECLINED;
        }
        String who = SmtpSessions.describe(session);
        LOGGER.info("Postbridge: MAIL refused for {}: more than {} messages per minute", who, decision.limit());
        return refusals.refused(io.postbridge.core.metrics.MetricNames.Refusal.RATE_LIMIT, messagesExceeded(who, decision));
    }

    @Override
    public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress rcpt, Map<String, String> parameters) {
        Optional<String> subject = subject(session);
        if (subject.isEmpty()) {
            return HookResult.DECLINED;
        }
        RateLimitDecision decision = limits.recipient(subject.get(), account(session));
        if (decision.isAllowed()) {
            return HookResult.DECLINED;
        }
        String who = SmtpSessions.describe(session);
        LOGGER.info("Postbridge: RCPT refused for {}: more than {} recipients per day", who, decision.limit());
        return refusals.refused(io.postbridge.core.metrics.MetricNames.Refusal.RATE_LIMIT, recipientsExceeded(who, decision));
    }

    // the replies a client sees, each written once
    static HookResult messagesExceeded(String who, RateLimitDecision decision) {
        return SmtpReplies.denySoft("451", "4.7.1 Rate limit exceeded: " + who + " may send " + decision.limit()
            + " messages per minute; try again after " + TIME.format(decision.retryAfter().orElseThrow()));
    }

    static HookResult recipientsExceeded(String who, RateLimitDecision decision) {
        return SmtpReplies.denySoft("452", "4.7.1 Rate limit exceeded: " + who + " may send to " + decision.limit()
            + " recipients per day; try again after " + TIME.format(decision.retryAfter().orElseThrow()));
    }

    private static Optional<String> subject(SMTPSession session) {
        Optional<SmtpPrincipal> principal = SmtpSessions.principal(session);
        if (principal.isPresent()) {
            return Optional.of(principal.get().rateLimitSubject());
        }
        return Optional.ofNullable(session.getUsername()).map(user -> "user:" + user.asString());
    }

    private static Optional<Account> account(SMTPSession session) {
        return SmtpSessions.principal(session).flatMap(SmtpPrincipal::account);
    }

    /** Where refusals are counted (docs/observability.md). */
    @Inject
    public void recordTo(io.postbridge.core.metrics.PostbridgeMetrics metrics) {
        refusals.recordTo(metrics);
    }
}
