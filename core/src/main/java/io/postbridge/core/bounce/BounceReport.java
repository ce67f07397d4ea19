package io.postbridge.core.bounce;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the parser read from one inbound message. Always returned, even for hostile input: a limit that was hit
 * is named in {@link #limitHit()} and the recipients read until then are kept.
 */
public final class BounceReport {
    private final BounceKind kind;
    private final String format;
    private final List<BouncedRecipient> recipients;
    private final Map<String, String> original;
    private final Optional<String> feedbackType;
    private final Optional<String> limitHit;

    public BounceReport(BounceKind kind, String format, List<BouncedRecipient> recipients, Map<String, String> original,
                        Optional<String> feedbackType, Optional<String> limitHit) {
        this.kind = kind;
        this.format = format;
        this.recipients = List.copyOf(recipients);
        this.original = Map.copyOf(original);
        this.feedbackType = feedbackType;
        this.limitHit = limitHit;
    }

    public BounceKind kind() {
        return kind;
    }

    /** Where the answer came from: rfc3464, arf, rfc3834, postfix, exim, qmail, sendmail, google, microsoft,
     * yahoo, x-failed-recipients, text (a free-form report read by its phrases), none. */
    public String format() {
        return format;
    }

    public List<BouncedRecipient> recipients() {
        return recipients;
    }

    /** Headers of the returned original (lower-case names: message-id, from, to, subject, date), when present. */
    public Map<String, String> original() {
        return original;
    }

    public Optional<String> originalMessageId() {
        return Optional.ofNullable(original.get("message-id"));
    }

    /** ARF Feedback-Type (abuse, fraud, ...) of a complaint. */
    public Optional<String> feedbackType() {
        return feedbackType;
    }

    /** The limit that stopped parsing (size, headers, nesting, recipients, time), if one did. */
    public Optional<String> limitHit() {
        return limitHit;
    }
}
