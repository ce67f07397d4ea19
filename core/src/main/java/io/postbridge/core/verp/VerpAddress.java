package io.postbridge.core.verp;

import java.util.Objects;

/** What a valid VERP address says: who sent (envelope sender and account), which message, to whom. */
public final class VerpAddress {
    private final String originalSender;
    private final String account;
    private final String messageRef;
    private final String recipient;

    VerpAddress(String originalSender, String account, String messageRef, String recipient) {
        this.originalSender = Objects.requireNonNull(originalSender);
        this.account = Objects.requireNonNull(account);
        this.messageRef = Objects.requireNonNull(messageRef);
        this.recipient = Objects.requireNonNull(recipient);
    }

    /** The envelope sender the mail had before it got the VERP return path; the bounce is returned to it. */
    public String originalSender() {
        return originalSender;
    }

    public String account() {
        return account;
    }

    /** {@link VerpCodec#messageRef(String)} of the message's Message-ID. */
    public String messageRef() {
        return messageRef;
    }

    public String recipient() {
        return recipient;
    }

    @Override
    public String toString() {
        return "VERP(account " + account + ", message " + messageRef + ", recipient " + recipient + ")";
    }
}
