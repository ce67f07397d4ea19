package io.postbridge.core.alias;

/** An alias definition that cannot be used; the message says what is wrong, in the operator's terms. */
public class InvalidAliasException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidAliasException(String message) {
        super(message);
    }
}
