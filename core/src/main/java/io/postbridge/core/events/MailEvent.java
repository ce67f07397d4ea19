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

    private MailEvent(Builder builder) {
        this.at = Objects.requireNonNull(builder.at, "at");
        this.type = builder.type;
        this.mailName = builder.mailName;
        this.messageId = builder.messageId;
        this.sender = builder.sender;
        this.recipients = List.copyOf(builder.recipients);
        this.account = builder.account;
        this.detail = builder.detail;
    }

    /** An event of this type for the mail James named {@code mailName}; every other field is optional. */
    public static Builder builder(MailEventType type, String mailName) {
        return new Builder(type, mailName);
    }

    /** Builds a {@link MailEvent}; absent fields stay empty, {@code at} is required. */
    public static final class Builder {
        private final MailEventType type;
        private final String mailName;
        private Instant at;
        private Optional<String> messageId = Optional.empty();
        private Optional<String> sender = Optional.empty();
        private List<String> recipients = List.of();
        private Optional<String> account = Optional.empty();
        private Optional<String> detail = Optional.empty();

        private Builder(MailEventType type, String mailName) {
            this.type = Objects.requireNonNull(type);
            this.mailName = Objects.requireNonNull(mailName);
        }

        public Builder at(Instant value) {
            this.at = Objects.requireNonNull(value);
            return this;
        }

        public Builder messageId(Optional<String> value) {
            this.messageId = Objects.requireNonNull(value);
            return this;
        }

        /** Empty for the null reverse-path. */
        public Builder sender(Optional<String> value) {
            this.sender = Objects.requireNonNull(value);
            return this;
        }

        public Builder recipients(List<String> value) {
            this.recipients = List.copyOf(value);
            return this;
        }

        public Builder account(Optional<String> value) {
            this.account = Objects.requireNonNull(value);
            return this;
        }

        public Builder detail(Optional<String> value) {
            this.detail = Objects.requireNonNull(value);
            return this;
        }

        public Builder detail(String value) {
            return detail(Optional.of(value));
        }

        public MailEvent build() {
            return new MailEvent(this);
        }
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
