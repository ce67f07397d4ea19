package io.postbridge.core.dkim;

/** A DKIM private key that cannot be used: unreadable, malformed, of an unsupported type, or too weak. */
public class DkimKeyException extends Exception {
    private static final long serialVersionUID = 1L;

    public DkimKeyException(String message) {
        super(message);
    }

    public DkimKeyException(String message, Throwable cause) {
        super(message, cause);
    }
}
