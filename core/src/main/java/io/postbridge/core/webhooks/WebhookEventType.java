package io.postbridge.core.webhooks;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import io.postbridge.core.events.MailEventType;

/**
 * The webhook event catalogue: the dotted {@code type} of a Standard Webhooks payload, and the mail event each one
 * reports. Every mail event type maps to exactly one webhook type; {@link #TEST} is only sent on demand.
 */
public enum WebhookEventType {
    MESSAGE_RECEIVED("message.received", MailEventType.RECEIVED),
    MESSAGE_QUEUED("message.queued", MailEventType.QUEUED),
    MESSAGE_DELIVERED("message.delivered", MailEventType.DELIVERED),
    MESSAGE_DEFERRED("message.deferred", MailEventType.DEFERRED),
    MESSAGE_BOUNCED("message.bounced", MailEventType.BOUNCED),
    MESSAGE_BOUNCE_RECEIVED("message.bounce_received", MailEventType.BOUNCE_RECEIVED),
    MESSAGE_DROPPED("message.dropped", MailEventType.DROPPED),
    MESSAGE_COMPLAINED("message.complained", MailEventType.COMPLAINED),
    RECIPIENT_SUPPRESSED("recipient.suppressed", MailEventType.SUPPRESSED),
    ACCOUNT_RECONSENT_REQUIRED("account.reconsent_required", MailEventType.RECONSENT_REQUIRED),
    ACCOUNT_CONNECTED("account.connected", MailEventType.CONNECTED),
    ACCOUNT_RECONNECTED("account.reconnected", MailEventType.RECONNECTED),
    ACCOUNT_CONSENT_FAILED("account.consent_failed", MailEventType.CONSENT_FAILED),
    OTP_SENT("otp.sent", MailEventType.OTP_SENT),
    OTP_VALIDATED("otp.validated", MailEventType.OTP_VALIDATED),
    OTP_REJECTED("otp.rejected", MailEventType.OTP_REJECTED),
    ENDPOINT_DISABLED("webhook.endpoint_disabled", MailEventType.WEBHOOK_DISABLED),
    TEST("webhook.test", null);

    private final String type;
    private final MailEventType mailEventType;

    WebhookEventType(String type, MailEventType mailEventType) {
        this.type = type;
        this.mailEventType = mailEventType;
    }

    /** The {@code type} field of the payload, e.g. {@code message.delivered}. */
    public String type() {
        return type;
    }

    /** The mail event this type reports; empty for {@link #TEST}. */
    public Optional<MailEventType> mailEventType() {
        return Optional.ofNullable(mailEventType);
    }

    /** The webhook type reporting a mail event; empty for a mail event type without one (nothing is sent for it). */
    public static Optional<WebhookEventType> of(MailEventType mailEventType) {
        return Optional.ofNullable(BY_MAIL_EVENT.get(mailEventType));
    }

    // looked up for every mail event the log writes: a map, not a scan
    private static final Map<MailEventType, WebhookEventType> BY_MAIL_EVENT = new EnumMap<>(MailEventType.class);

    static {
        for (WebhookEventType type : values()) {
            if (type.mailEventType != null) {
                BY_MAIL_EVENT.putIfAbsent(type.mailEventType, type);
            }
        }
    }

    public static Optional<WebhookEventType> fromType(String type) {
        return Arrays.stream(values()).filter(t -> t.type.equals(type)).findFirst();
    }

    public static String allTypes() {
        return Arrays.stream(values()).map(WebhookEventType::type).collect(Collectors.joining(", "));
    }
}
