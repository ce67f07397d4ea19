package io.postbridge.core.fakes;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** A message a fake provider accepted for sending, as it arrived at the API. */
public final class Delivered {
    public final String provider;
    /** Gmail: the token's user; Graph: the mailbox in the URL. */
    public final String sentAs;
    /** The message bytes the API received (decoded from base64 for Graph), before the provider drops Bcc. */
    public final byte[] uploaded;
    /** Who the provider sends it to: To, Cc and Bcc of the uploaded message. */
    public final List<String> recipients;
    /** The provider's id for it (Gmail message id, Graph request id). */
    public final String id;
    /** Graph large path: the attachments uploaded separately (name -> bytes). */
    public final java.util.Map<String, byte[]> separateAttachments;
    /**
     * Null, or why the client cannot know that this message was sent (an injected {@link Faults.Http#TIMEOUT} or
     * {@link Faults.Http#ENDLESS_BODY}): a second copy of it is then expected, not a defect.
     */
    public final String answerLost;
    /** When the fake accepted it (epoch milliseconds). */
    public final long atMillis = System.currentTimeMillis();

    Delivered(String provider, String sentAs, byte[] uploaded, List<String> recipients, String id,
              java.util.Map<String, byte[]> separateAttachments) {
        this(provider, sentAs, uploaded, recipients, id, separateAttachments, null);
    }

    Delivered(String provider, String sentAs, byte[] uploaded, List<String> recipients, String id,
              java.util.Map<String, byte[]> separateAttachments, String answerLost) {
        this.answerLost = answerLost;
        this.provider = provider;
        this.sentAs = sentAs;
        this.uploaded = uploaded;
        this.recipients = recipients;
        this.id = id;
        this.separateAttachments = separateAttachments;
    }

    public String uploadedText() {
        return new String(uploaded, StandardCharsets.UTF_8);
    }

    /** What recipients see: the uploaded message without its Bcc header (what Gmail and Exchange do). */
    public String visibleHeaders() {
        String text = uploadedText();
        int end = text.indexOf("\r\n\r\n");
        String headers = end < 0 ? text : text.substring(0, end + 2);
        return headers.replaceAll("(?im)^Bcc:.*\\r\\n([ \\t].*\\r\\n)*", "");
    }
}
