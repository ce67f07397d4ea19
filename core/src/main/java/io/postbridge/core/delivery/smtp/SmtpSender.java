package io.postbridge.core.delivery.smtp;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.mail.Address;
import javax.mail.AuthenticationFailedException;
import javax.mail.MessagingException;
import javax.mail.SendFailedException;
import javax.mail.internet.InternetAddress;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.mail.smtp.SMTPAddressFailedException;
import com.sun.mail.smtp.SMTPSendFailedException;
import com.sun.mail.smtp.SMTPTransport;

import io.postbridge.core.delivery.DeliveryOutcome;
import io.postbridge.core.delivery.EnvelopeRecipients;
import io.postbridge.core.delivery.OutgoingMail;
import io.postbridge.core.delivery.RecipientOutcomes;

/**
 * Hands a message to the first route that answers, on a pooled connection, and sorts the answer per recipient:
 * 2xx delivered, 4xx transient, 5xx permanent (with the server's enhanced status code for the DSN). A connection that
 * breaks (I/O error, 421) is invalidated and the message is sent again once on a new connection, transparently.
 * A route that cannot be reached (or refuses the credentials) makes the sender try the next one (the next MX);
 * if none answers, every recipient is a transient failure naming the last problem.
 *
 * <p>The message is sent byte for byte. It uses SMTPUTF8 (UTF-8 headers or addresses) and BODY=8BITMIME (8-bit
 * content) where the server offers them. Where it does not, the conformant downgrade (RFC 6152 §3: convert to 7 bit;
 * RFC 6531: re-encode headers) would change signed bytes and break DKIM, so such a message is refused permanently
 * for that server with 5.6.3 / 5.6.7 rather than sent altered. javax.mail 1.6 has no PIPELINING: commands are sent
 * one at a time even when the server offers it; reusing the connection saves far more round trips (TCP, banner,
 * EHLO, STARTTLS, AUTH) than pipelining would.
 */
public final class SmtpSender {
    // compiled once: this runs for every message
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final Logger LOGGER = LoggerFactory.getLogger(SmtpSender.class);
    private static final Pattern ENHANCED = Pattern.compile("^\\d{3}[ -]([245]\\.\\d{1,3}\\.\\d{1,3})\\b");

    private final SmtpConnectionPool pool;

    public SmtpSender(SmtpConnectionPool pool) {
        this.pool = pool;
    }

    public SmtpConnectionPool pool() {
        return pool;
    }

    /** @param routes in order of preference (MX preference order, or the one upstream / smarthost) */
    public RecipientOutcomes deliver(List<SmtpRoute> routes, OutgoingMail mail) {
        byte[] content = EnvelopeRecipients.withoutBcc(mail.content());
        DeliveryOutcome last = DeliveryOutcome.transientFailure("no route to deliver to", Optional.empty());
        for (SmtpRoute route : routes) {
            for (int attempt = 1; attempt <= 2; attempt++) {
                SmtpConnection connection;
                try {
                    connection = pool.borrow(route);
                } catch (io.postbridge.core.oauth.TokenException e) {
                    last = DeliveryOutcome.tokenRefused("no access token for " + route.describe() + ": " + e.getMessage(), e)
                        .via(route.describe(), Optional.empty());
                    break;
                } catch (AuthenticationFailedException e) {
                    last = DeliveryOutcome.transientFailure(route.describe() + " refused the credentials: "
                        + oneLine(e.getMessage()), Optional.empty()).via(route.describe(), Optional.of(oneLine(e.getMessage())));
                    break;
                } catch (Exception e) {
                    last = DeliveryOutcome.transientFailure(route.describe() + " unreachable: " + describe(e), Optional.empty())
                        .via(route.describe(), Optional.empty());
                    break;
                }
                try {
                    RecipientOutcomes outcomes = send(connection, mail, content);
                    pool.release(connection);
                    return outcomes;
                } catch (BrokenConnection e) {
                    pool.invalidate(connection);
                    last = DeliveryOutcome.transientFailure(route.describe() + ": " + e.getMessage(), Optional.empty())
                        .via(route.describe(), Optional.empty());
                    LOGGER.debug("connection to {} broke ({}); {}", route, e.getMessage(), attempt == 1 ? "reconnecting" : "giving up");
                }
            }
        }
        return RecipientOutcomes.all(mail.recipients(), last);
    }

    private RecipientOutcomes send(SmtpConnection connection, OutgoingMail mail, byte[] content) throws BrokenConnection {
        SMTPTransport transport = connection.transport();
        SmtpRoute route = connection.route();
        boolean utf8Needed = !ascii(content, 0, EnvelopeRecipients.headerEndOf(content))
            || mail.sender().map(s -> !ascii(s)).orElse(false) || mail.recipients().stream().anyMatch(r -> !ascii(r));
        boolean eightBit = !ascii(content, 0, content.length);
        if (utf8Needed && !connection.offers("SMTPUTF8")) {
            return RecipientOutcomes.all(mail.recipients(), DeliveryOutcome.permanentFailure(route.describe()
                + " does not offer SMTPUTF8, and the message has UTF-8 headers or addresses (not downgraded: that would"
                + " break its DKIM signature)", "5.6.7"));
        }
        if (eightBit && !connection.offers("8BITMIME")) {
            return RecipientOutcomes.all(mail.recipients(), DeliveryOutcome.permanentFailure(route.describe()
                + " does not offer 8BITMIME, and the message has 8-bit content (not converted to 7 bit: that would break"
                + " its DKIM signature)", "5.6.3"));
        }
        RawSmtpMessage message = new RawSmtpMessage(null, content);
        message.setEnvelopeFrom(mail.sender().filter(s -> !s.isEmpty()).orElse("<>"));
        if (eightBit) {
            message.setMailExtension("BODY=8BITMIME");
        }
        Address[] recipients = mail.recipients().stream().map(SmtpSender::address).toArray(Address[]::new);
        try {
            transport.sendMessage(message, recipients);
            pool.countMessage(connection);
            String reply = oneLine(transport.getLastServerResponse());
            DeliveryOutcome delivered = DeliveryOutcome.delivered("accepted by " + route.describe() + ": " + reply, Optional.empty())
                .via(route.describe(), Optional.of(reply));
            return RecipientOutcomes.all(mail.recipients(), delivered);
        } catch (SendFailedException e) {
            return partial(connection, mail, e);
        } catch (MessagingException e) {
            throw new BrokenConnection(describe(e));
        }
    }

    /** Some or all recipients failed, or MAIL FROM / DATA did. */
    private RecipientOutcomes partial(SmtpConnection connection, OutgoingMail mail, SendFailedException e) throws BrokenConnection {
        SmtpRoute route = connection.route();
        Map<String, DeliveryOutcome> perRecipient = new LinkedHashMap<>();
        for (Exception next = e; next != null; next = next instanceof MessagingException ? ((MessagingException) next).getNextException() : null) {
            if (next instanceof SMTPAddressFailedException) {
                SMTPAddressFailedException failed = (SMTPAddressFailedException) next;
                if (failed.getReturnCode() == 421) {
                    throw new BrokenConnection("closing the connection (" + oneLine(failed.getMessage()) + ")");
                }
                perRecipient.put(failed.getAddress().getAddress().toLowerCase(Locale.ROOT),
                    fromReply(route, "RCPT TO:<" + failed.getAddress().getAddress() + ">", failed.getReturnCode(), failed.getMessage()));
            } else if (next instanceof IOException || next.getCause() instanceof IOException) {
                throw new BrokenConnection(describe(next));
            }
        }
        // the transaction's own answer: 250 after DATA (some recipients accepted), or the failure of MAIL FROM / DATA
        Optional<DeliveryOutcome> whole = Optional.empty();
        if (e instanceof SMTPSendFailedException) {
            SMTPSendFailedException failed = (SMTPSendFailedException) e;
            int code = failed.getReturnCode();
            if (code == 421 || code == -1) {
                throw new BrokenConnection("closing the connection (" + oneLine(failed.getMessage()) + ")");
            }
            if (code >= 400) {
                whole = Optional.of(fromReply(route, failed.getCommand(), code, failed.getMessage()));
            } else if (code >= 200 && code < 300) {
                pool.countMessage(connection);
                String reply = oneLine(connection.transport().getLastServerResponse());
                whole = Optional.of(DeliveryOutcome.delivered("accepted by " + route.describe() + ": " + reply, Optional.empty())
                    .via(route.describe(), Optional.of(reply)));
            }
        }
        Map<String, DeliveryOutcome> result = new LinkedHashMap<>();
        for (String recipient : mail.recipients()) {
            DeliveryOutcome own = perRecipient.get(recipient.toLowerCase(Locale.ROOT));
            result.put(recipient, own != null ? own : whole.orElseGet(() -> DeliveryOutcome.transientFailure(route.describe()
                + " did not take the message: " + oneLine(e.getMessage()), Optional.empty())));
        }
        return RecipientOutcomes.of(result);
    }

    static DeliveryOutcome fromReply(SmtpRoute route, String command, int code, String reply) {
        String detail = route.describe() + " answered " + oneLine(reply) + " to " + command;
        if (code >= 500) {
            return DeliveryOutcome.permanentFailure(detail, enhancedStatus(reply).filter(s -> s.startsWith("5")).orElse("5.0.0"))
                .via(route.describe(), Optional.of(oneLine(reply)));
        }
        return DeliveryOutcome.transientFailure(detail, Optional.empty()).via(route.describe(), Optional.of(oneLine(reply)));
    }

    static Optional<String> enhancedStatus(String reply) {
        if (reply == null) {
            return Optional.empty();
        }
        Matcher matcher = ENHANCED.matcher(reply.trim());
        return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    private static InternetAddress address(String recipient) {
        InternetAddress address = new InternetAddress();
        address.setAddress(recipient); // not parsed again: the envelope address as James accepted it
        return address;
    }

    private static boolean ascii(String text) {
        return text.chars().allMatch(c -> c < 128);
    }

    private static boolean ascii(byte[] content, int from, int to) {
        for (int i = from; i < to; i++) {
            if (content[i] < 0) {
                return false;
            }
        }
        return true;
    }

    static String describe(Throwable e) {
        StringBuilder text = new StringBuilder(oneLine(String.valueOf(e.getMessage())));
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            text.append(" (").append(cause.getClass().getSimpleName()).append(": ").append(oneLine(String.valueOf(cause.getMessage())))
                .append(')');
        }
        return text.toString();
    }

    static String oneLine(String text) {
        return text == null ? "" : WHITESPACE.matcher(text).replaceAll(" ").trim();
    }

    /** The session state is unknown: the connection must not be reused. */
    private static final class BrokenConnection extends Exception {
        private static final long serialVersionUID = 1L;

        BrokenConnection(String message) {
            super(message, null, false, false);
        }
    }
}
