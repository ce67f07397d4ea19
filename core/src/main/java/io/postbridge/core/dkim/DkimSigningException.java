package io.postbridge.core.dkim;

/** The message cannot be signed (for example it has no From field, or several). */
public class DkimSigningException extends Exception {
    private static final long serialVersionUID = 1L;

    public DkimSigningException(String message) {
        super(message);
    }
}
