package io.postbridge.core.otp;

import java.util.Objects;
import java.util.Optional;

/**
 * The mail that carries a code: subject and text body in which {@code {code}} and {@code {minutes}} are replaced, and
 * optionally the sender (checked against the account's allowed senders like any other).
 */
public final class OtpTemplate {
    public static final OtpTemplate DEFAULT = new OtpTemplate(Optional.empty(), "Your code: {code}",
        "Your code is {code}.\r\n\r\nIt is valid for {minutes} minutes and can be used once. If you did not ask for it, ignore this message.\r\n");

    private final Optional<String> sender;
    private final String subject;
    private final String body;

    public OtpTemplate(Optional<String> sender, String subject, String body) {
        this.sender = Objects.requireNonNull(sender);
        this.subject = Objects.requireNonNull(subject);
        this.body = Objects.requireNonNull(body);
        if (!body.contains("{code}") && !subject.contains("{code}")) {
            throw new IllegalArgumentException("the OTP template must contain {code} in its subject or body");
        }
        if (subject.indexOf('\n') >= 0 || subject.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("the OTP template subject must be one line");
        }
    }

    public Optional<String> sender() {
        return sender;
    }

    public String subject() {
        return subject;
    }

    public String body() {
        return body;
    }

    String render(String text, String code, long minutes) {
        return text.replace("{code}", code).replace("{minutes}", Long.toString(minutes));
    }
}
