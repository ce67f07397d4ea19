package io.postbridge.core.bounce;

import java.util.Locale;

/** Whether retrying the recipient can ever succeed: hard means no, soft means maybe later. */
public enum Hardness {
    HARD, SOFT, UNKNOWN;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
