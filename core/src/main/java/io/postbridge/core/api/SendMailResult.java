package io.postbridge.core.api;

/** The Message-ID of the queued mail (without angle brackets), and whether it was queued by an earlier call. */
public final class SendMailResult {
    private final String messageId;
    private final boolean duplicate;

    public SendMailResult(String messageId, boolean duplicate) {
        this.messageId = messageId;
        this.duplicate = duplicate;
    }

    public String messageId() {
        return messageId;
    }

    public boolean duplicate() {
        return duplicate;
    }
}
