package io.postbridge.core.events;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** What happened to a message, as an operator reads it in the event list. */
public enum MailEventType {
    RECEIVED,
    QUEUED,
    DELIVERED,
    DEFERRED,
    BOUNCED,
    BOUNCE_RECEIVED,
    DROPPED,
    // reported to webhook subscribers (issue 16); recorded by bounce, suppression and consent handling
    COMPLAINED,
    SUPPRESSED,
    RECONSENT_REQUIRED,
    /** A webhook endpoint was disabled (its receiver answered 410 Gone): the mail name is the endpoint id. */
    WEBHOOK_DISABLED,
    /** A user connected a mailbox through the consent web flow (a new account). */
    CONNECTED,
    /** A user connected an existing account's mailbox again (new key, new grant). */
    RECONNECTED,
    /** A consent attempt ended without an account (denied, permission missing, domain refused, ...). */
    CONSENT_FAILED,
    /** a one-time code was generated and its mail queued (OtpService.SendCode); the code itself is never recorded */
    OTP_SENT,
    /** a one-time code was presented and was right: it is consumed */
    OTP_VALIDATED,
    /** a one-time code was presented and refused (wrong, expired, used, too many attempts) */
    OTP_REJECTED;

    /** The spelling used in configuration files and JSON: lower case with dashes. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Optional<MailEventType> fromWireName(String value) {
        return Arrays.stream(values())
            .filter(type -> type.wireName().equals(value.trim().toLowerCase(Locale.ROOT)))
            .findFirst();
    }

    public static String allWireNames() {
        return Arrays.stream(values()).map(MailEventType::wireName).collect(Collectors.joining(", "));
    }
}
