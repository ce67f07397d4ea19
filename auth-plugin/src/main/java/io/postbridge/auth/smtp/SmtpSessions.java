package io.postbridge.auth.smtp;

import java.util.Optional;

import org.apache.james.core.Username;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.smtp.SMTPSession;

import io.postbridge.core.auth.SmtpPrincipal;

/** What Postbridge keeps on an SMTP session: who is submitting. */
final class SmtpSessions {
    private static final ProtocolSession.AttachmentKey<SmtpPrincipal> PRINCIPAL =
        ProtocolSession.AttachmentKey.of("io.postbridge.principal", SmtpPrincipal.class);

    private SmtpSessions() {
    }

    static Optional<SmtpPrincipal> principal(SMTPSession session) {
        return session.getAttachment(PRINCIPAL, ProtocolSession.State.Connection);
    }

    static void setPrincipal(SMTPSession session, SmtpPrincipal principal) {
        session.setAttachment(PRINCIPAL, principal, ProtocolSession.State.Connection);
    }

    static String clientIp(SMTPSession session) {
        return session.getRemoteAddress().getAddress().getHostAddress();
    }

    /**
     * The username as the client sent it, as far as James kept it: James lower-cases the part before '@' but
     * keeps the domain part's case (which matters for a compact base64url client id).
     */
    static String rawUsername(Username username) {
        return username.getLocalPart() + username.getDomainPart().map(domain -> "@" + domain.name()).orElse("");
    }

    /** A short name for log lines and rate-limit messages: account 'erp', user alice@example.com, ... */
    static String describe(SMTPSession session) {
        return principal(session).map(p -> p.kind() == SmtpPrincipal.Kind.MICROSOFT_APP ? "Microsoft app " + p.name() : "account '" + p.name() + "'")
            .orElseGet(() -> session.getUsername() == null ? "client " + clientIp(session) : "user " + session.getUsername().asString());
    }
}
