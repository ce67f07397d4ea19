package io.postbridge.core.delivery;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One message to hand to a provider: its raw RFC 5322 bytes exactly as submitted, and its envelope.
 * The envelope decides who receives it (see {@link EnvelopeRecipients}).
 */
public final class OutgoingMail {
    private final String name;
    private final Optional<String> sender;
    private final List<String> recipients;
    private final byte[] content;

    public OutgoingMail(String name, Optional<String> sender, List<String> recipients, byte[] content) {
        this.name = Objects.requireNonNull(name);
        this.sender = Objects.requireNonNull(sender);
        this.recipients = List.copyOf(recipients);
        this.content = Objects.requireNonNull(content);
    }

    public String name() {
        return name;
    }

    /** Empty for the null reverse-path. */
    public Optional<String> sender() {
        return sender;
    }

    public List<String> recipients() {
        return recipients;
    }

    public byte[] content() {
        return content;
    }
}
