package io.postbridge.core.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** What a client asks MailService.SendMail or {@code POST /api/v1/mail} to send. Empty strings count as absent. */
public final class SendMailRequest {
    /** One attached file. */
    public static final class Attachment {
        private final String filename;
        private final String contentType;
        private final byte[] content;

        public Attachment(String filename, String contentType, byte[] content) {
            this.filename = filename == null ? "" : filename;
            this.contentType = contentType == null ? "" : contentType;
            this.content = content == null ? new byte[0] : content.clone();
        }

        public String filename() {
            return filename;
        }

        public String contentType() {
            return contentType;
        }

        public byte[] content() {
            return content.clone();
        }

        int size() {
            return content.length;
        }
    }

    private final List<String> to;
    private final List<String> cc;
    private final List<String> bcc;
    private final String subject;
    private final Optional<String> text;
    private final Optional<String> html;
    private final Optional<String> from;
    private final List<String> replyTo;
    private final Map<String, String> headers;
    private final List<Attachment> attachments;
    private final Optional<String> idempotencyKey;

    private SendMailRequest(Builder builder) {
        this.to = List.copyOf(builder.to);
        this.cc = List.copyOf(builder.cc);
        this.bcc = List.copyOf(builder.bcc);
        this.subject = builder.subject == null ? "" : builder.subject;
        this.text = present(builder.text);
        this.html = present(builder.html);
        this.from = present(builder.from);
        this.replyTo = List.copyOf(builder.replyTo);
        this.headers = Map.copyOf(builder.headers);
        this.attachments = List.copyOf(builder.attachments);
        this.idempotencyKey = present(builder.idempotencyKey);
    }

    private static Optional<String> present(String value) {
        return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<String> to() {
        return to;
    }

    public List<String> cc() {
        return cc;
    }

    public List<String> bcc() {
        return bcc;
    }

    public String subject() {
        return subject;
    }

    public Optional<String> text() {
        return text;
    }

    public Optional<String> html() {
        return html;
    }

    public Optional<String> from() {
        return from;
    }

    public List<String> replyTo() {
        return replyTo;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public List<Attachment> attachments() {
        return attachments;
    }

    public Optional<String> idempotencyKey() {
        return idempotencyKey;
    }

    /** Collects the fields; the transports fill it from protobuf or JSON. */
    public static final class Builder {
        private final List<String> to = new ArrayList<>();
        private final List<String> cc = new ArrayList<>();
        private final List<String> bcc = new ArrayList<>();
        private String subject;
        private String text;
        private String html;
        private String from;
        private final List<String> replyTo = new ArrayList<>();
        private final Map<String, String> headers = new LinkedHashMap<>();
        private final List<Attachment> attachments = new ArrayList<>();
        private String idempotencyKey;

        public Builder to(List<String> values) {
            to.addAll(Objects.requireNonNull(values));
            return this;
        }

        public Builder cc(List<String> values) {
            cc.addAll(Objects.requireNonNull(values));
            return this;
        }

        public Builder bcc(List<String> values) {
            bcc.addAll(Objects.requireNonNull(values));
            return this;
        }

        public Builder subject(String value) {
            subject = value;
            return this;
        }

        public Builder text(String value) {
            text = value;
            return this;
        }

        public Builder html(String value) {
            html = value;
            return this;
        }

        public Builder from(String value) {
            from = value;
            return this;
        }

        public Builder replyTo(List<String> values) {
            replyTo.addAll(Objects.requireNonNull(values));
            return this;
        }

        public Builder headers(Map<String, String> values) {
            headers.putAll(Objects.requireNonNull(values));
            return this;
        }

        public Builder attachment(Attachment attachment) {
            attachments.add(Objects.requireNonNull(attachment));
            return this;
        }

        public Builder idempotencyKey(String value) {
            idempotencyKey = value;
            return this;
        }

        public SendMailRequest build() {
            return new SendMailRequest(this);
        }
    }
}
