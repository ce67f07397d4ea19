package io.postbridge.core.events;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** One step in a message's life: immutable, safe to hand out from the log. */
public final class MailEvent {
    private final Instant at;
    private final MailEventType type;
    private final String mailName;
    private final Optional<String> messageId;
    private final Optional<String> sender;
    private final List<String> recipients;
    private final Optional<String> account;
    private final Optional<String> detail;

    public MailEvent(Instant at, MailEventType type, String mailName, Optional<String> messageId, Optional<String> sender,
                     List<String> recipients, Optional<String> account, Optional<String> detail) {
        this.at = Objects.requireNonNull(at);
        this.type = Objects.requireNonNull(type);
        this.mailName = Objects.requireNonNull(mailName);
        this.messageId = Objects.requireNonNull(messageId);
        this.sender = Objects.requireNonNull(sender);
        this.recipients = List.copyOf(recipients);
        this.account = Objects.requireNonNull(account);
        this.detail = Objects.requireNonNull(detail);
    }

    public Instant getAt() {
        return at;
    }

    public MailEventType getType() {
        return type;
    }

    public String getMailName() {
        return mailName;
    }

    public Optional<String> getMessageId() {
        return messageId;
    }

    /** Empty for the null reverse-path ({@code MAIL FROM:<>}). */
    public Optional<String> getSender() {
        return sender;
    }

    public List<String> getRecipients() {
        return recipients;
    }

    /** The authenticated SMTP user or account the message belongs to, if any. */
    public Optional<String> getAccount() {
        return account;
    }

    public Optional<String> getDetail() {
        return detail;
    }

    @Override
    public String toString() {
        return at + " " + type.wireName() + " " + mailName + " " + messageId.orElse("-") + " from=" + sender.orElse("<>")
            + " to=" + recipients + account.map(a -> " account=" + a).orElse("") + detail.map(d -> " (" + d + ")").orElse("");
    }
}
