package io.postbridge.core.bounce;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** An RFC 3463 status code {@code class.subject.detail}. */
public final class EnhancedStatus {
    // the class digit first, then the look-behind for what precedes it ("not after a digit or a dot"): a search then
    // fails at once at most characters instead of looking behind at each
    private static final Pattern CODE = Pattern.compile("([245])(?<![\\d.][245])\\.(\\d{1,3})\\.(\\d{1,3})(?![\\d]|\\.\\d)");
    private static final Pattern REPLY = Pattern.compile("([245])(?<![\\d.\\-][245])([0-5])(\\d)(?=[ \\-]|$)");

    private final int klass;
    private final int subject;
    private final int detail;

    private EnhancedStatus(int klass, int subject, int detail) {
        this.klass = klass;
        this.subject = subject;
        this.detail = detail;
    }

    public static Optional<EnhancedStatus> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = CODE.matcher(text.trim());
        return m.lookingAt() ? Optional.of(of(m)) : Optional.empty();
    }

    /** The first status code anywhere in {@code text} (a Diagnostic-Code or an MTA's message). */
    public static Optional<EnhancedStatus> find(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = CODE.matcher(text);
        while (m.find()) {
            if (!m.group(2).equals("0") || !m.group(3).equals("0") || m.group(1).equals("5") || m.group(1).equals("4")) {
                return Optional.of(of(m));
            }
        }
        return Optional.empty();
    }

    /** The first SMTP reply code (RFC 5321, e.g. {@code 550}) in {@code text}. */
    public static Optional<Integer> findReplyCode(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = REPLY.matcher(text);
        return m.find() ? Optional.of(Integer.parseInt(m.group(1) + m.group(2) + m.group(3))) : Optional.empty();
    }

    private static EnhancedStatus of(Matcher m) {
        return new EnhancedStatus(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
    }

    /** A pseudo status from an SMTP reply code alone: 5xx → 5.0.0, 4xx → 4.0.0. */
    public static EnhancedStatus fromReplyClass(int replyCode) {
        return new EnhancedStatus(replyCode / 100, 0, 0);
    }

    public static EnhancedStatus of(int klass, int subject, int detail) {
        return new EnhancedStatus(klass, subject, detail);
    }

    public int klass() {
        return klass;
    }

    public boolean isPermanent() {
        return klass == 5;
    }

    public boolean isTransient() {
        return klass == 4;
    }

    /** {@code x.0.0} says nothing beyond permanent or transient. */
    public boolean isGeneric() {
        return subject == 0 && detail == 0;
    }

    public String subjectPrefix() {
        return klass + "." + subject;
    }

    @Override
    public String toString() {
        return klass + "." + subject + "." + detail;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EnhancedStatus && o.toString().equals(toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }
}
