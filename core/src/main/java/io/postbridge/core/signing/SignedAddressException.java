package io.postbridge.core.signing;

/**
 * A signed return address (SRS or VERP) that cannot be reversed or trusted, with the reason in words an operator can
 * act on ("SRS hash invalid", "VERP address expired").
 */
public final class SignedAddressException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Which kind of signed address was refused; names the address and its hash in the message. */
    public enum Scheme {
        SRS("SRS", "hash"),
        VERP("VERP", "signature");

        private final String label;
        private final String hashName;

        Scheme(String label, String hashName) {
            this.label = label;
            this.hashName = hashName;
        }
    }

    /** Why the address was refused. */
    public enum Reason {
        NOT_SIGNED,
        MALFORMED,
        HASH_TOO_SHORT,
        BAD_HASH,
        BAD_TIMESTAMP,
        EXPIRED;

        String text(Scheme scheme) {
            switch (this) {
                case NOT_SIGNED:
                    return "not an " + scheme.label + " address";
                case MALFORMED:
                    return "malformed " + scheme.label + " address";
                case HASH_TOO_SHORT:
                    return scheme.label + " " + scheme.hashName + " too short";
                case BAD_HASH:
                    return scheme.label + " " + scheme.hashName + " invalid";
                case BAD_TIMESTAMP:
                    return scheme.label + " timestamp invalid";
                case EXPIRED:
                    return scheme.label + " address expired";
                default:
                    throw new AssertionError(this);
            }
        }
    }

    private final Scheme scheme;
    private final Reason reason;

    public SignedAddressException(Scheme scheme, Reason reason) {
        super(reason.text(scheme));
        this.scheme = scheme;
        this.reason = reason;
    }

    public Scheme scheme() {
        return scheme;
    }

    public Reason reason() {
        return reason;
    }

    /** The reason in words, e.g. "SRS hash invalid"; the same as {@link #getMessage()}. */
    public String text() {
        return getMessage();
    }
}
