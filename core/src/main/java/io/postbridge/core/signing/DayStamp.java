package io.postbridge.core.signing;

import java.time.Instant;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * The day number modulo 1024 in two base32 characters, as SRS (Mail::SRS, postsrsd) writes it; VERP addresses use
 * the same stamp so both expire by the same rule.
 */
public final class DayStamp {
    private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
    private static final long SECONDS_PER_DAY = 86_400;
    /** The stamp cycles every 1024 days. */
    public static final int TIME_SLOTS = 1024;

    private DayStamp() {
    }

    public static String of(Instant now) {
        long days = Math.floorDiv(now.getEpochSecond(), SECONDS_PER_DAY);
        return new String(new char[] {BASE32[(int) ((days >> 5) & 31)], BASE32[(int) (days & 31)]});
    }

    /** The stamp's age in days at {@code now} (case-insensitive), or empty when it is not a stamp. */
    public static OptionalLong ageDays(String stamp, Instant now) {
        if (stamp.length() != 2) {
            return OptionalLong.empty();
        }
        String upper = stamp.toUpperCase(Locale.ROOT);
        int high = base32Value(upper.charAt(0));
        int low = base32Value(upper.charAt(1));
        if (high < 0 || low < 0) {
            return OptionalLong.empty();
        }
        int then = high * 32 + low;
        long today = Math.floorMod(Math.floorDiv(now.getEpochSecond(), SECONDS_PER_DAY), (long) TIME_SLOTS);
        while (today < then) {
            today += TIME_SLOTS;
        }
        return OptionalLong.of(today - then);
    }

    private static int base32Value(char c) {
        if (c >= 'A' && c <= 'Z') {
            return c - 'A';
        }
        if (c >= '2' && c <= '7') {
            return 26 + c - '2';
        }
        return -1;
    }
}
