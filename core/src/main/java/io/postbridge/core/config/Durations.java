package io.postbridge.core.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as operators write them: {@code 30s}, {@code 5m}, {@code 48h}, {@code 7d}, {@code 0}, or ISO-8601 {@code PT48H}. */
public final class Durations {
    private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(ms|s|sec|seconds?|m|min|minutes?|h|hours?|d|days?)?");

    private Durations() {
    }

    /** Throws IllegalArgumentException naming the accepted forms. */
    public static Duration parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("p")) {
            try {
                return check(Duration.parse(t.toUpperCase(Locale.ROOT)), text);
            } catch (DateTimeParseException e) {
                throw invalid(text);
            }
        }
        Matcher m = SIMPLE.matcher(t);
        if (!m.matches()) {
            throw invalid(text);
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        switch (unit.charAt(0)) {
            case 'd':
                return Duration.ofDays(n);
            case 'h':
                return Duration.ofHours(n);
            case 'm':
                return unit.equals("ms") ? Duration.ofMillis(n) : Duration.ofMinutes(n);
            default:
                return Duration.ofSeconds(n);
        }
    }

    private static Duration check(Duration d, String text) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("'" + text + "' is negative");
        }
        return d;
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("'" + text + "' is not a duration; write e.g. 30s, 10m, 48h, 7d or PT48H");
    }
}
