package io.postbridge.core.alias;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** What happens to mail for a disabled alias. */
public enum DisabledMode {
    /** Enabled: mail is forwarded. */
    NO("no"),
    /** Refused at RCPT with 550 5.2.1, so the sender learns the address is gone. */
    REJECT("reject"),
    /** Accepted and silently discarded (spam traps, addresses that leaked to spammers). */
    DROP("drop");

    private final String wireName;

    DisabledMode(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<DisabledMode> fromWireName(String value) {
        String lower = value.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(mode -> mode.wireName.equals(lower)).findFirst();
    }

    public static String allWireNames() {
        return Arrays.stream(values()).map(DisabledMode::wireName).collect(Collectors.joining(", "));
    }
}
