package io.postbridge.core.auth;

import io.postbridge.core.mail.MailAttributes;

/**
 * The mail attributes Postbridge sets at the end of DATA, so mailets and matchers downstream know who submitted the
 * mail: the submission part of {@link MailAttributes}, where every attribute name is listed.
 */
public final class SubmissionAttributes {
    /** The account name (API key or trusted network submissions). */
    public static final String ACCOUNT = MailAttributes.ACCOUNT;
    /** How the submitter was identified: {@code api-key}, {@code trusted-network}, {@code microsoft-app}, {@code james-user}. */
    public static final String AUTH_KIND = MailAttributes.AUTH_KIND;
    /** {@code tenant@client} of a Microsoft pass-through submission. */
    public static final String MICROSOFT_APP = MailAttributes.MICROSOFT_APP;
    /** The sealed client secret of a Microsoft pass-through submission (see {@link MailAttributes#MICROSOFT_APP_SECRET}). */
    public static final String MICROSOFT_APP_SECRET = MailAttributes.MICROSOFT_APP_SECRET;

    private SubmissionAttributes() {
    }
}
