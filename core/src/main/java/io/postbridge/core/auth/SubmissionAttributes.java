package io.postbridge.core.auth;

/**
 * Names of the mail attributes Postbridge sets at the end of DATA, so mailets and matchers downstream know who
 * submitted the mail. Values are strings (they survive the durable queue).
 */
public final class SubmissionAttributes {
    /** The account name (API key or trusted network submissions). */
    public static final String ACCOUNT = "io.postbridge.account";
    /** How the submitter was identified: {@code api-key}, {@code trusted-network}, {@code microsoft-app}, {@code james-user}. */
    public static final String AUTH_KIND = "io.postbridge.authKind";
    /** {@code tenant@client} of a Microsoft pass-through submission. */
    public static final String MICROSOFT_APP = "io.postbridge.microsoftApp";
    /**
     * The client secret of a Microsoft pass-through submission, sealed with the master key ({@code pb1:...}); never
     * plaintext. Decrypt with {@code MicrosoftPassThrough.unseal}.
     */
    public static final String MICROSOFT_APP_SECRET = "io.postbridge.microsoftAppSecret";

    private SubmissionAttributes() {
    }
}
