package io.postbridge.core.mail;

import java.util.List;

/**
 * Every mail attribute Postbridge sets or reads, in one place. The names follow three conventions for history's sake
 * ({@code io.postbridge.*} for who submitted the mail, {@code postbridge.api-delivery.*}, {@code postbridge.dkim.*}):
 * they are not renamed, because mail already waiting in a durable queue carries them and must be understood after an
 * upgrade. A new attribute is named {@code postbridge.<feature>.<name>}. Values are strings or numbers (they survive
 * the durable queue).
 */
public final class MailAttributes {
    // ---- who submitted the mail: set at the end of DATA by SenderPolicyHook ----

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

    // ---- API delivery (ApiDelivery and its worker) ----

    /** Failed delivery attempts so far (long). */
    public static final String API_DELIVERY_ATTEMPTS = "postbridge.api-delivery.attempts";
    /** When the mail was first queued for API delivery (epoch milliseconds): the retry window counts from it. */
    public static final String API_DELIVERY_FIRST_ATTEMPT = "postbridge.api-delivery.first-attempt";
    /** Not to be attempted before this time (epoch milliseconds), for queues that ignore delays. */
    public static final String API_DELIVERY_NOT_BEFORE = "postbridge.api-delivery.not-before";
    /** The provider's answer to the last failed attempt. */
    public static final String API_DELIVERY_LAST_ERROR = "postbridge.api-delivery.last-error";

    // ---- DKIM (DkimSign) ----

    /** What DkimSign did ("signed d=example.com s=rsa1,ed1", "unsigned: ..."). */
    public static final String DKIM_RESULT = "postbridge.dkim.result";
    /** When the mail was first held for a missing key (epoch milliseconds). */
    public static final String DKIM_HELD_SINCE = "postbridge.dkim.heldSince";

    // ---- James's ----

    /** The reason James's DSNBounce states for a bounce (AliasForward sets it). */
    public static final String DELIVERY_ERROR = "delivery-error";
    /** Whether the failure a bounce reports is permanent (Boolean), as RemoteDelivery's Bouncer sets it (SmtpDelivery too). */
    public static final String DELIVERY_PERMANENT_ERROR = "is-delivery-permanent-error";

    /** Every name above. */
    /**
     * Set (true) on the copies a delivery mailet hands to its onSuccess / onFailure processors: the suppression list
     * already has this outcome (DeliveryFeedback), so SuppressionFeedback there does not count it twice.
     */
    public static final String SUPPRESSION_FED = "postbridge.suppression-fed";

    public static final List<String> ALL = List.of(ACCOUNT, AUTH_KIND, MICROSOFT_APP, MICROSOFT_APP_SECRET, API_DELIVERY_ATTEMPTS,
        API_DELIVERY_FIRST_ATTEMPT, API_DELIVERY_NOT_BEFORE, API_DELIVERY_LAST_ERROR, DKIM_RESULT, DKIM_HELD_SINCE, DELIVERY_ERROR,
        DELIVERY_PERMANENT_ERROR, SUPPRESSION_FED);

    private MailAttributes() {
    }
}
