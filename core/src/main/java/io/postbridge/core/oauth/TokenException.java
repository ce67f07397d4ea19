package io.postbridge.core.oauth;

/**
 * A token request failed. {@link #isPermanent()} says whether asking again can help: a revoked grant or a wrong
 * client secret will fail the same way until an operator acts; a 5xx or a timeout may not.
 */
public class TokenException extends RuntimeException {
    private final boolean permanent;
    private final boolean reconsentNeeded;

    private TokenException(String message, boolean permanent, boolean reconsentNeeded, Throwable cause) {
        super(message, cause);
        this.permanent = permanent;
        this.reconsentNeeded = reconsentNeeded;
    }

    /** The network, a 5xx or a throttled token endpoint: try again later. */
    public static TokenException transientFailure(String message, Throwable cause) {
        return new TokenException(message, false, false, cause);
    }

    /** Wrong client id or secret, unknown tenant: an operator must fix the account's settings. */
    public static TokenException rejected(String message, Throwable cause) {
        return new TokenException(message, true, false, cause);
    }

    /** {@code invalid_grant}: the user or admin must consent again (refresh token revoked, expired, ...). */
    public static TokenException reconsentNeeded(String message, Throwable cause) {
        return new TokenException(message, true, true, cause);
    }

    public boolean isPermanent() {
        return permanent;
    }

    public boolean isReconsentNeeded() {
        return reconsentNeeded;
    }
}
