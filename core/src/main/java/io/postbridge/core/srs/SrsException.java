package io.postbridge.core.srs;

/** An address that cannot be reversed, with the reason in words an operator can act on. */
public final class SrsException extends Exception {
    private static final long serialVersionUID = 1L;

    public enum Reason {
        NOT_SRS("not an SRS address"),
        MALFORMED("malformed SRS address"),
        HASH_TOO_SHORT("SRS hash too short"),
        BAD_HASH("SRS hash invalid"),
        BAD_TIMESTAMP("SRS timestamp invalid"),
        EXPIRED("SRS address expired");

        private final String text;

        Reason(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    private final Reason reason;

    public SrsException(Reason reason) {
        super(reason.text());
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
