package io.postbridge.core.verp;

/** A VERP address that cannot be trusted, with the reason in words an operator can act on. */
public final class VerpException extends Exception {
    private static final long serialVersionUID = 1L;

    public enum Reason {
        MALFORMED("malformed VERP address"),
        BAD_HASH("VERP signature invalid"),
        BAD_TIMESTAMP("VERP timestamp invalid"),
        EXPIRED("VERP address expired");

        private final String text;

        Reason(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    private final Reason reason;

    public VerpException(Reason reason) {
        super(reason.text());
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
