package io.postbridge.core.bounce;

import java.util.Locale;
import java.util.Optional;

/**
 * Why a message bounced: the taxonomy of Sisimai 4 (same wire names), so figures and tools built on Sisimai's
 * reasons read Postbridge's output unchanged. See docs/bounces.md for what each one means to an operator.
 */
public enum BounceReason {
    BLOCKED, CONTENTERROR, DELIVERED, EXCEEDLIMIT, EXPIRED, FEEDBACK, FILTERED, HASMOVED, HOSTUNKNOWN, MAILBOXFULL,
    MAILERERROR, MESGTOOBIG, NETWORKERROR, NORELAYING, NOTACCEPT, ONHOLD, POLICYVIOLATION, REJECTED, SECURITYERROR,
    SPAMDETECTED, SUSPEND, SYNTAXERROR, SYSTEMERROR, SYSTEMFULL, TOOMANYCONN, UNDEFINED, USERUNKNOWN, VACATION,
    VIRUSDETECTED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<BounceReason> fromWireName(String name) {
        for (BounceReason reason : values()) {
            if (reason.wireName().equalsIgnoreCase(name)) {
                return Optional.of(reason);
            }
        }
        return Optional.empty();
    }

    /**
     * Sisimai's rule: only an address or a domain that does not exist (or moved, or refuses all mail with a 5xx)
     * is a hard bounce; everything else may heal and is soft. Complaints, auto-replies and deliveries are neither.
     */
    public Hardness hardness(Optional<EnhancedStatus> status) {
        switch (this) {
            case USERUNKNOWN:
            case HOSTUNKNOWN:
            case HASMOVED:
                return Hardness.HARD;
            case NOTACCEPT:
                return status.map(s -> s.isTransient() ? Hardness.SOFT : Hardness.HARD).orElse(Hardness.HARD);
            case DELIVERED:
            case FEEDBACK:
            case VACATION:
                return Hardness.UNKNOWN;
            default:
                return Hardness.SOFT;
        }
    }
}
