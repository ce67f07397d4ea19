package io.postbridge.core.store;

/** A database operation failed (connection lost, constraint broken unexpectedly, ...). */
public class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }

    public StoreException(String message) {
        super(message);
    }
}
