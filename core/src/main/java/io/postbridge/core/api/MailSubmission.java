package io.postbridge.core.api;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import javax.activation.DataHandler;
import javax.mail.Message;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.AddressException;
import javax.mail.internet.ContentType;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeBodyPart;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;
import javax.mail.internet.MimePart;
import javax.mail.internet.MimeUtility;
import javax.mail.internet.ParseException;
import javax.mail.util.ByteArrayDataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.postbridge.core.accounts.Account;
import io.postbridge.core.accounts.SenderPolicy;
import io.postbridge.core.auth.SmtpPrincipal;
import io.postbridge.core.events.MailEvent;
import io.postbridge.core.events.MailEventLog;
import io.postbridge.core.events.MailEventType;
import io.postbridge.core.ratelimit.AccountRateLimits;
import io.postbridge.core.ratelimit.RateLimitDecision;

/**
 * Sends an API request as mail of an account: checks every field, applies the account's sender policy (or From
 * override) and rate limits as the SMTP hooks do, builds the MIME message and puts it into James's spool; DKIM,
 * routing and delivery then happen exactly as for SMTP. Records a {@code received} event.
 */
public final class MailSubmission {
    private static final Logger LOGGER = LoggerFactory.getLogger(MailSubmission.class);
    /** Recipients of one call (to + cc + bcc). */
    public static final int MAX_RECIPIENTS = 100;
    /** Attachments of one call together. */
    public static final int MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024;
    private static final int MAX_IDEMPOTENCY_KEY = 200;
    private static final Pattern HEADER_NAME = Pattern.compile("[!-9;-~]{1,76}");
    /** Fields the request sets through its own fields, or that belong to transport and MIME structure. */
    private static final Set<String> RESERVED_HEADERS = Set.of("from", "to", "cc", "bcc", "sender", "reply-to", "subject",
        "message-id", "date", "mime-version", "content-type", "content-transfer-encoding", "content-disposition", "received",
        "return-path", "dkim-signature", "resent-from", "resent-to", "resent-cc", "resent-bcc", "resent-sender");

    private final SenderPolicy senderPolicy;
    private final AccountRateLimits rateLimits;
    private final IdempotencyKeys idempotencyKeys;
    private final MailSpool spool;
    private final MailEventLog events;
    private final Clock clock;
    private final Session session = Session.getInstance(new Properties());

    public MailSubmission(SenderPolicy senderPolicy, AccountRateLimits rateLimits, IdempotencyKeys idempotencyKeys, MailSpool spool,
                          MailEventLog events, Clock clock) {
        this.senderPolicy = Objects.requireNonNull(senderPolicy);
        this.rateLimits = Objects.requireNonNull(rateLimits);
        this.idempotencyKeys = Objects.requireNonNull(idempotencyKeys);
        this.spool = Objects.requireNonNull(spool);
        this.events = Objects.requireNonNull(events);
        this.clock = Objects.requireNonNull(clock);
    }

    /**
     * @param via how it came, for the event ("gRPC", "HTTPS API", "OTP")
     * @throws ApiFailure INVALID_ARGUMENT, PERMISSION_DENIED, RESOURCE_EXHAUSTED or UNAVAILABLE; nothing is queued then
     */
    public SendMailResult submit(Account account, String clientIp, String via, SendMailRequest request) {
        List<InternetAddress> to = addresses("to", request.to());
        List<InternetAddress> cc = addresses("cc", request.cc());
        List<InternetAddress> bcc = addresses("bcc", request.bcc());
        List<InternetAddress> replyTo = addresses("reply_to", request.replyTo());
        List<String> recipients = envelope(to, cc, bcc);
        checkSubject(request.subject());
        if (request.text().isEmpty() && request.html().isEmpty()) {
            throw ApiFailure.invalid("text", "a text or an html body is required");
        }
        checkHeaders(request.headers());
        checkAttachments(request.attachments());
        String sender = sender(account, request.from());
        if (request.idempotencyKey().isPresent() && request.idempotencyKey().get().length() > MAX_IDEMPOTENCY_KEY) {
            throw ApiFailure.invalid("idempotency_key", "at most " + MAX_IDEMPOTENCY_KEY + " characters");
        }

        String messageId = UUID.randomUUID() + "@" + domainOf(sender);
        Optional<String> key = request.idempotencyKey();
        if (key.isPresent()) {
            Optional<String> earlier = idempotencyKeys.reserve(account.id(), key.get(), messageId);
            if (earlier.isPresent()) {
                LOGGER.info("Postbridge: {} call of account '{}' repeats idempotency key: already queued as <{}>", via, account.name(), earlier.get());
                return new SendMailResult(earlier.get(), true);
            }
        }
        try {
            checkRateLimits(account, recipients.size());
            MimeMessage message = mime(request, sender, to, cc, replyTo, messageId);
            String mailName = "api-" + UUID.randomUUID();
            spool.enqueue(new MailSpool.Submission(mailName, account.name(), sender, recipients, message));
            events.record(MailEvent.builder(MailEventType.RECEIVED, mailName).at(clock.instant()).messageId(Optional.of("<" + messageId + ">"))
                .sender(Optional.of(sender)).recipients(recipients).account(Optional.of(account.name()))
                .detail("via " + via + " from " + clientIp).build());
            LOGGER.info("Postbridge: {} mail of account '{}' from <{}> to {} recipient(s) queued as {}", via, account.name(), sender,
                recipients.size(), mailName);
            return new SendMailResult(messageId, false);
        } catch (RuntimeException e) {
            key.ifPresent(k -> idempotencyKeys.release(account.id(), k));
            throw e;
        } catch (MailSpool.SpoolUnavailable e) {
            key.ifPresent(k -> idempotencyKeys.release(account.id(), k));
            LOGGER.warn("Postbridge: {} mail of account '{}' not queued: {}", via, account.name(), e.getMessage());
            throw ApiFailure.unavailable("the mail could not be queued now, try again: " + e.getMessage(), e);
        }
    }

    private String sender(Account account, Optional<String> from) {
        if (account.fromOverride().isPresent()) {
            return account.fromOverride().get(); // whatever the client says, the mail leaves as the override address
        }
        if (from.isEmpty()) {
            throw ApiFailure.invalid("from", "required (the account has no From override)");
        }
        String address = addresses("from", List.of(from.get())).get(0).getAddress();
        if (!senderPolicy.allows(account, address)) {
            LOGGER.info("Postbridge: API sender <{}> refused for account '{}': not an allowed sender", address, account.name());
            throw ApiFailure.permissionDenied("sender <" + address + "> is not allowed for account '" + account.name() + "'");
        }
        return address;
    }

    private void checkRateLimits(Account account, int recipients) {
        String subject = SmtpPrincipal.apiKey(account).rateLimitSubject();
        RateLimitDecision message = rateLimits.message(subject, Optional.of(account));
        if (!message.isAllowed()) {
            throw ApiFailure.exhausted("rate limit exceeded: account '" + account.name() + "' may send " + message.limit()
                + " messages per minute", retry(message));
        }
        for (int i = 0; i < recipients; i++) {
            RateLimitDecision recipient = rateLimits.recipient(subject, Optional.of(account));
            if (!recipient.isAllowed()) {
                throw ApiFailure.exhausted("rate limit exceeded: account '" + account.name() + "' may send to " + recipient.limit()
                    + " recipients per day", retry(recipient));
            }
        }
    }

    private Duration retry(RateLimitDecision decision) {
        return Duration.between(clock.instant(), decision.retryAfter().orElseThrow());
    }

    private static List<InternetAddress> addresses(String field, List<String> values) {
        List<InternetAddress> result = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            String name = values.size() == 1 && field.equals("from") ? field : field + "[" + i + "]";
            String value = values.get(i) == null ? "" : values.get(i).trim();
            try {
                InternetAddress address = new InternetAddress(value, true);
                if (address.getAddress() == null || !address.getAddress().contains("@") || address.isGroup()) {
                    throw new AddressException("not a mailbox");
                }
                result.add(address);
            } catch (AddressException e) {
                throw ApiFailure.invalid(name, "'" + value + "' is not an email address");
            }
        }
        return result;
    }

    private static List<String> envelope(List<InternetAddress> to, List<InternetAddress> cc, List<InternetAddress> bcc) {
        Set<String> all = new LinkedHashSet<>();
        for (List<InternetAddress> list : List.of(to, cc, bcc)) {
            list.forEach(address -> all.add(address.getAddress()));
        }
        if (all.isEmpty()) {
            throw ApiFailure.invalid("to", "at least one recipient (to, cc or bcc) is required");
        }
        if (all.size() > MAX_RECIPIENTS) {
            throw ApiFailure.invalid("to", "at most " + MAX_RECIPIENTS + " recipients per call, got " + all.size());
        }
        return new ArrayList<>(all);
    }

    private static void checkSubject(String subject) {
        if (subject.indexOf('\r') >= 0 || subject.indexOf('\n') >= 0) {
            throw ApiFailure.invalid("subject", "must be one line");
        }
        if (subject.length() > 998) {
            throw ApiFailure.invalid("subject", "at most 998 characters");
        }
    }

    private static void checkHeaders(Map<String, String> headers) {
        for (Map.Entry<String, String> header : headers.entrySet()) {
            String name = header.getKey();
            String field = "headers[" + name + "]";
            if (!HEADER_NAME.matcher(name).matches()) {
                throw ApiFailure.invalid(field, "not a header field name");
            }
            if (RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT)) || name.toLowerCase(Locale.ROOT).startsWith("content-")) {
                throw ApiFailure.invalid(field, "set by Postbridge or through its own request field");
            }
            String value = header.getValue() == null ? "" : header.getValue();
            if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0 || value.length() > 998) {
                throw ApiFailure.invalid(field, "the value must be one line of at most 998 characters");
            }
        }
    }

    private static void checkAttachments(List<SendMailRequest.Attachment> attachments) {
        long total = 0;
        for (int i = 0; i < attachments.size(); i++) {
            SendMailRequest.Attachment attachment = attachments.get(i);
            String field = "attachments[" + i + "]";
            if (attachment.filename().isBlank() || attachment.filename().indexOf('\r') >= 0 || attachment.filename().indexOf('\n') >= 0) {
                throw ApiFailure.invalid(field + ".filename", "a one-line file name is required");
            }
            if (!attachment.contentType().isEmpty()) {
                try {
                    new ContentType(attachment.contentType());
                } catch (ParseException e) {
                    throw ApiFailure.invalid(field + ".content_type", "'" + attachment.contentType() + "' is not a MIME type");
                }
            }
            total += attachment.size();
        }
        if (total > MAX_ATTACHMENT_BYTES) {
            throw ApiFailure.invalid("attachments", "at most " + MAX_ATTACHMENT_BYTES + " bytes together, got " + total);
        }
    }

    private static String domainOf(String address) {
        return address.substring(address.lastIndexOf('@') + 1);
    }

    private MimeMessage mime(SendMailRequest request, String sender, List<InternetAddress> to, List<InternetAddress> cc,
                             List<InternetAddress> replyTo, String messageId) {
        try {
            MimeMessage message = new FixedIdMessage(session, "<" + messageId + ">");
            message.setFrom(new InternetAddress(sender));
            if (!to.isEmpty()) {
                message.setRecipients(Message.RecipientType.TO, to.toArray(new InternetAddress[0]));
            }
            if (!cc.isEmpty()) {
                message.setRecipients(Message.RecipientType.CC, cc.toArray(new InternetAddress[0]));
            }
            if (!replyTo.isEmpty()) {
                message.setReplyTo(replyTo.toArray(new InternetAddress[0]));
            }
            message.setSubject(request.subject(), StandardCharsets.UTF_8.name());
            message.setSentDate(Date.from(clock.instant()));
            for (Map.Entry<String, String> header : request.headers().entrySet()) {
                message.addHeader(header.getKey(), MimeUtility.encodeText(header.getValue(), StandardCharsets.UTF_8.name(), null));
            }
            if (request.attachments().isEmpty()) {
                fillBody(message, request);
            } else {
                MimeMultipart mixed = new MimeMultipart("mixed");
                MimeBodyPart body = new MimeBodyPart();
                fillBody(body, request);
                mixed.addBodyPart(body);
                for (SendMailRequest.Attachment attachment : request.attachments()) {
                    MimeBodyPart part = new MimeBodyPart();
                    String type = attachment.contentType().isEmpty() ? "application/octet-stream" : attachment.contentType();
                    part.setDataHandler(new DataHandler(new ByteArrayDataSource(attachment.content(), type)));
                    part.setFileName(MimeUtility.encodeText(attachment.filename(), StandardCharsets.UTF_8.name(), null));
                    part.setDisposition(MimeBodyPart.ATTACHMENT);
                    mixed.addBodyPart(part);
                }
                message.setContent(mixed);
            }
            message.saveChanges();
            return message;
        } catch (MessagingException | java.io.UnsupportedEncodingException e) {
            throw ApiFailure.invalid("text", "cannot build a message from this request: " + e.getMessage());
        }
    }

    /** text/plain, text/html, or multipart/alternative of both, into the message or its first part. */
    private static void fillBody(MimePart target, SendMailRequest request) throws MessagingException {
        if (request.text().isPresent() && request.html().isPresent()) {
            MimeMultipart alternative = new MimeMultipart("alternative");
            MimeBodyPart text = new MimeBodyPart();
            text.setText(request.text().get(), StandardCharsets.UTF_8.name());
            MimeBodyPart html = new MimeBodyPart();
            html.setText(request.html().get(), StandardCharsets.UTF_8.name(), "html");
            alternative.addBodyPart(text);
            alternative.addBodyPart(html);
            target.setContent(alternative);
        } else if (request.text().isPresent()) {
            target.setText(request.text().get(), StandardCharsets.UTF_8.name());
        } else {
            target.setText(request.html().get(), StandardCharsets.UTF_8.name(), "html");
        }
    }

    /** Keeps the Message-ID the client was given (javax.mail would make a new one at saveChanges). */
    private static final class FixedIdMessage extends MimeMessage {
        private final String messageId;

        FixedIdMessage(Session session, String messageId) {
            super(session);
            this.messageId = messageId;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", messageId);
        }
    }
}
