package io.postbridge.core.dkim.keys;

import java.util.Locale;

/** What to do with mail of a domain that must be signed when none of its keys can be used. */
public enum WhenKeyMissing {
    /** Deliver it without a signature and log a warning (the default: mail keeps flowing). */
    SEND_UNSIGNED("send-unsigned"),
    /** Keep it and retry later, so nothing leaves unsigned (recipients enforcing DMARC would reject it). */
    HOLD("hold");

    private final String wireName;

    WhenKeyMissing(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static WhenKeyMissing parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        for (WhenKeyMissing w : values()) {
            if (w.wireName.equals(v)) {
                return w;
            }
        }
        throw new IllegalArgumentException("'" + value + "' is not send-unsigned or hold");
    }

    @Override
    public String toString() {
        return wireName;
    }
}
