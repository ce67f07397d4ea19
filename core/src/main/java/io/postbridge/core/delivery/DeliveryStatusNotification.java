package io.postbridge.core.delivery;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

import javax.activation.DataHandler;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.ContentType;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.InternetHeaders;
import javax.mail.internet.MimeBodyPart;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;
import javax.mail.util.ByteArrayDataSource;

/**
 * An RFC 3464 delivery status notification for mail the provider will not send: {@code multipart/report;
 * report-type=delivery-status} with a human-readable part, a {@code message/delivery-status} part (one
 * {@code Action: failed} block per recipient) and the original message's headers ({@code text/rfc822-headers}).
 * It goes to the envelope sender, never to the null sender (RFC 3461 §6: no DSN about a DSN).
 */
public final class DeliveryStatusNotification {
    // compiled once: this runs for every message
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final Session SESSION = Session.getInstance(new Properties());
    private static final DateTimeFormatter RFC_5322 = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT);

    private final String reportingMta;
    private final String from;

    /**
     * @param reportingMta this server's host name, for {@code Reporting-MTA: dns; ...}
     * @param from the DSN's From (the postmaster)
     */
    public DeliveryStatusNotification(String reportingMta, String from) {
        this.reportingMta = Objects.requireNonNull(reportingMta);
        this.from = Objects.requireNonNull(from);
    }

    /**
     * The DSN for {@code original}, or empty when its envelope sender is null.
     *
     * @param originalBytes the message as submitted (only its header section is used)
     */
    public Optional<MimeMessage> build(Optional<String> envelopeSender, List<String> recipients, String status,
                                       String diagnostic, byte[] originalBytes, Instant arrival, Instant lastAttempt)
        throws MessagingException {
        if (envelopeSender.isEmpty() || envelopeSender.get().isBlank()) {
            return Optional.empty();
        }
        InternetHeaders originalHeaders = new InternetHeaders(new ByteArrayInputStream(originalBytes));
        String originalSubject = Optional.ofNullable(originalHeaders.getHeader("Subject", null)).orElse("");
        String cleanDiagnostic = asciiOneLine(diagnostic);

        MimeMessage dsn = new MimeMessage(SESSION);
        dsn.setFrom(new InternetAddress(from));
        dsn.setRecipients(javax.mail.Message.RecipientType.TO, envelopeSender.get());
        dsn.setSubject("Undelivered Mail Returned to Sender" + (originalSubject.isEmpty() ? "" : ": " + decode(originalSubject)),
            "UTF-8");
        dsn.setHeader("Auto-Submitted", "auto-replied");
        dsn.setSentDate(java.util.Date.from(lastAttempt));
        Optional.ofNullable(originalHeaders.getHeader("Message-ID", null)).ifPresent(id -> {
            try {
                dsn.setHeader("In-Reply-To", id.trim());
                dsn.setHeader("References", id.trim());
            } catch (MessagingException e) {
                throw new IllegalStateException(e);
            }
        });

        MimeMultipart report = new MimeMultipart("report");
        ContentType type = new ContentType(report.getContentType());
        type.setParameter("report-type", "delivery-status");
        report = new ReportMultipart(type.toString());

        MimeBodyPart human = new MimeBodyPart();
        human.setText(humanText(recipients, cleanDiagnostic), "UTF-8");
        report.addBodyPart(human);

        MimeBodyPart status822 = new MimeBodyPart();
        status822.setDataHandler(new DataHandler(new ByteArrayDataSource(
            deliveryStatus(recipients, status, cleanDiagnostic, arrival, lastAttempt).getBytes(StandardCharsets.US_ASCII),
            "message/delivery-status")));
        status822.setHeader("Content-Type", "message/delivery-status");
        status822.setHeader("Content-Transfer-Encoding", "7bit");
        report.addBodyPart(status822);

        MimeBodyPart headers = new MimeBodyPart();
        headers.setDataHandler(new DataHandler(new ByteArrayDataSource(headerSection(originalHeaders), "text/rfc822-headers")));
        headers.setHeader("Content-Type", "text/rfc822-headers");
        report.addBodyPart(headers);

        dsn.setContent(report);
        dsn.saveChanges();
        return Optional.of(dsn);
    }

    private String humanText(List<String> recipients, String diagnostic) {
        return "This is the mail system at " + reportingMta + ".\r\n\r\n"
            + "Your message could not be delivered to the following recipients:\r\n\r\n"
            + String.join("\r\n", recipients.stream().map(r -> "    <" + r + ">").toArray(String[]::new)) + "\r\n\r\n"
            + "Reason: " + diagnostic + "\r\n\r\n"
            + "The delivery report and the headers of your message are attached.\r\n";
    }

    private String deliveryStatus(List<String> recipients, String status, String diagnostic, Instant arrival, Instant lastAttempt) {
        StringBuilder text = new StringBuilder();
        text.append("Reporting-MTA: dns; ").append(reportingMta).append("\r\n");
        text.append("Arrival-Date: ").append(date(arrival)).append("\r\n");
        for (String recipient : recipients) {
            text.append("\r\n");
            text.append("Final-Recipient: rfc822; ").append(recipient).append("\r\n");
            text.append("Action: failed\r\n");
            text.append("Status: ").append(status).append("\r\n");
            text.append("Diagnostic-Code: X-Postbridge; ").append(diagnostic).append("\r\n");
            text.append("Last-Attempt-Date: ").append(date(lastAttempt)).append("\r\n");
        }
        return text.toString();
    }

    private static byte[] headerSection(InternetHeaders headers) {
        StringBuilder text = new StringBuilder();
        Enumeration<?> lines = headers.getAllHeaderLines();
        while (lines.hasMoreElements()) {
            text.append(lines.nextElement()).append("\r\n");
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String date(Instant instant) {
        return RFC_5322.format(instant.atOffset(ZoneOffset.UTC));
    }

    /** A delivery-status field is US-ASCII on one line (RFC 3464 §2.1.3). */
    static String asciiOneLine(String text) {
        String oneLine = WHITESPACE.matcher(text).replaceAll(" ").trim();
        StringBuilder out = new StringBuilder();
        for (char c : oneLine.toCharArray()) {
            out.append(c >= 32 && c < 127 ? c : '?');
        }
        return out.length() > 900 ? out.substring(0, 900) : out.toString();
    }

    private static String decode(String subject) {
        try {
            return javax.mail.internet.MimeUtility.decodeText(javax.mail.internet.MimeUtility.unfold(subject));
        } catch (IOException e) {
            return subject;
        }
    }

    /** {@code multipart/report} with its {@code report-type} parameter (MimeMultipart only takes a subtype). */
    private static final class ReportMultipart extends MimeMultipart {
        ReportMultipart(String contentType) {
            super();
            this.contentType = contentType;
        }
    }
}
