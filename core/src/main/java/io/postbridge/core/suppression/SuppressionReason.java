package io.postbridge.core.suppression;

import java.util.Optional;

/** Why a recipient is suppressed. The wire names are what WebAdmin shows and accepts. */
public enum SuppressionReason {
    /** A permanent failure: the address or domain does not exist (async bounce or a 5xx while sending). */
    HARD_BOUNCE("hard-bounce"),
    /** {@code suppression.softBounces} soft bounces within {@code suppression.softWindow}, no delivery between. */
    SOFT_BOUNCES("soft-bounces"),
    /** An ARF abuse report: the recipient marked the mail as spam. */
    COMPLAINT("complaint"),
    /** Added by an operator. */
    MANUAL("manual");

    private final String wireName;

    SuppressionReason(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<SuppressionReason> fromWireName(String name) {
        for (SuppressionReason r : values()) {
            if (r.wireName.equalsIgnoreCase(name)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
