package io.postbridge.core.alias;

/** A problem in the AliasForward configuration, already worded as a one-line SettingProblem message. */
public final class ForwardingConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public ForwardingConfigException(String message) {
        super(message);
    }

    public ForwardingConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
