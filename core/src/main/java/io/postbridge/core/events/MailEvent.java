package io.postbridge.core.events;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** One step in a message's life: immutable, safe to hand out from the log. */
public final class MailEvent {
    private static final int MAX_DATA_TEXT = 2000;
    private final Instant at;
    private final MailEventType type;
    private final String mailName;
    private final Optional<String> messageId;
    private final Optional<String> sender;
    private final List<String> recipients;
    private final Optional<String> account;
    private final Optional<String> detail;
    private final Map<String, Object> data;

    private MailEvent(Builder builder) {
        this.at = Objects.requireNonNull(builder.at, "at");
        this.type = builder.type;
        this.mailName = builder.mailName;
        this.messageId = builder.messageId;
        this.sender = builder.sender;
        this.recipients = List.copyOf(builder.recipients);
        this.account = builder.account;
        this.detail = builder.detail;
        this.data = builder.data.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(builder.data));
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
        private final Map<String, Object> data = new LinkedHashMap<>();

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

        /**
         * A structured field for webhook receivers ({@code data} of the payload, see docs/webhooks.md): a text,
         * number or boolean; an empty Optional or null adds nothing.
         */
        public Builder data(String key, Object value) {
            Objects.requireNonNull(key);
            Object plain = value instanceof Optional ? ((Optional<?>) value).orElse(null) : value;
            if (plain == null) {
                return this;
            }
            if (!(plain instanceof String || plain instanceof Number || plain instanceof Boolean)) {
                throw new IllegalArgumentException("event data " + key + " must be a text, number or boolean, was " + plain.getClass());
            }
            data.put(key, plain instanceof String && ((String) plain).length() > MAX_DATA_TEXT
                ? ((String) plain).substring(0, MAX_DATA_TEXT - 3) + "..." : plain);
            return this;
        }

        /** Copies every structured field of {@code other}. */
        public Builder dataOf(MailEvent other) {
            data.putAll(other.data);
            return this;
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

    /** The structured fields of the event for webhook receivers (remote reply, route, next attempt, ...); often empty. */
    public Map<String, Object> getData() {
        return data;
    }

    @Override
    public String toString() {
        return at + " " + type.wireName() + " " + mailName + " " + messageId.orElse("-") + " from=" + sender.orElse("<>")
            + " to=" + recipients + account.map(a -> " account=" + a).orElse("") + detail.map(d -> " (" + d + ")").orElse("");
    }
}
