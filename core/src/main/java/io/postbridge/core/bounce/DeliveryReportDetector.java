package io.postbridge.core.bounce;

import java.util.Locale;
import java.util.Optional;

import javax.mail.internet.ContentType;
import javax.mail.internet.ParseException;

/**
 * Tells delivery reports (bounces) from ordinary mail, so they can be recorded and kept away from
 * forwarding and auto-replies.
 */
public final class DeliveryReportDetector {
    private static final String[] DAEMON_LOCAL_PARTS = {"mailer-daemon", "postmaster"};

    private DeliveryReportDetector() {
    }

    /** RFC 3464: {@code multipart/report; report-type=delivery-status}. */
    public static boolean isDeliveryStatusReport(Optional<String> contentTypeHeader) {
        return contentTypeHeader.flatMap(DeliveryReportDetector::parse)
            .map(type -> type.match("multipart/report")
                && "delivery-status".equalsIgnoreCase(Optional.ofNullable(type.getParameter("report-type")).orElse("")))
            .orElse(false);
    }

    /** RFC 5965 (ARF): {@code multipart/report; report-type=feedback-report}, a complaint from a feedback loop. */
    public static boolean isFeedbackReport(Optional<String> contentTypeHeader) {
        return contentTypeHeader.flatMap(DeliveryReportDetector::parse)
            .map(type -> type.match("multipart/report")
                && "feedback-report".equalsIgnoreCase(Optional.ofNullable(type.getParameter("report-type")).orElse("")))
            .orElse(false);
    }

    /**
     * A bounce is a standard delivery-status report (or an ARF complaint, handled with bounces), or, for the many MTAs that send free-form text,
     * mail with a null reverse-path ({@code MAIL FROM:<>}) whose From is a mailer daemon.
     */
    public static boolean isBounce(boolean nullReversePath, Optional<String> contentTypeHeader, Optional<String> fromLocalPart) {
        if (isDeliveryStatusReport(contentTypeHeader) || isFeedbackReport(contentTypeHeader)) {
            return true;
        }
        return nullReversePath && fromLocalPart.map(DeliveryReportDetector::isDaemon).orElse(false);
    }

    private static boolean isDaemon(String localPart) {
        String lower = localPart.toLowerCase(Locale.ROOT);
        for (String daemon : DAEMON_LOCAL_PARTS) {
            if (lower.equals(daemon)) {
                return true;
            }
        }
        return false;
    }

    private static Optional<ContentType> parse(String header) {
        try {
            return Optional.of(new ContentType(header));
        } catch (ParseException e) {
            // a malformed Content-Type is simply not a report
            return Optional.empty();
        }
    }
}
