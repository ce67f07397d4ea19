package io.postbridge.core.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one duration grammar of every Postbridge setting ({@code postbridge.properties}, mailet and matcher parameters,
 * the alias configuration, WebAdmin bodies), documented in docs/configuration.md#durations. It is the union of the
 * grammars earlier versions accepted, so no configuration that started before stops starting:
 * <ul>
 * <li>a whole number and an optional unit, spaces allowed between them, any case: {@code 30s}, {@code 30 seconds},
 * {@code 5m}, {@code 2 DAYS}; units ms msec msecs, s sec secs second seconds, m min mins minute minutes, h hour hours,
 * d day days, w week weeks, month months, y year years (a month and a year as James counts them: 1/12 and 1 of
 * 365.2425 days);</li>
 * <li>a bare number is seconds ({@code 120}); {@code 0} is zero;</li>
 * <li>ISO-8601: {@code PT48H}, {@code P7D}.</li>
 * </ul>
 * Negative durations are refused; each setting says its own minimum.
 */
public final class Durations {
    /** Where the grammar is documented, for error messages. */
    public static final String DOCUMENTED_AT = "docs/configuration.md#durations";
    private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*([a-z]*)");
    private static final Map<String, ChronoUnit> UNITS = units();

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
        ChronoUnit unit = m.group(2).isEmpty() ? ChronoUnit.SECONDS : UNITS.get(m.group(2));
        if (unit == null) {
            throw invalid(text);
        }
        try {
            return unit.getDuration().multipliedBy(Long.parseLong(m.group(1)));
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is too long a duration");
        }
    }

    private static Map<String, ChronoUnit> units() {
        Map<String, ChronoUnit> units = new java.util.HashMap<>();
        for (String name : new String[] {"ms", "msec", "msecs"}) {
            units.put(name, ChronoUnit.MILLIS);
        }
        for (String name : new String[] {"s", "sec", "secs", "second", "seconds"}) {
            units.put(name, ChronoUnit.SECONDS);
        }
        for (String name : new String[] {"m", "min", "mins", "minute", "minutes"}) {
            units.put(name, ChronoUnit.MINUTES);
        }
        for (String name : new String[] {"h", "hour", "hours"}) {
            units.put(name, ChronoUnit.HOURS);
        }
        for (String name : new String[] {"d", "day", "days"}) {
            units.put(name, ChronoUnit.DAYS);
        }
        for (String name : new String[] {"w", "week", "weeks"}) {
            units.put(name, ChronoUnit.WEEKS);
        }
        units.put("month", ChronoUnit.MONTHS);
        units.put("months", ChronoUnit.MONTHS);
        for (String name : new String[] {"y", "year", "years"}) {
            units.put(name, ChronoUnit.YEARS);
        }
        return Map.copyOf(units);
    }

    private static Duration check(Duration d, String text) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("'" + text + "' is negative");
        }
        return d;
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("'" + text + "' is not a duration; write e.g. 30s, 10m, 48h, 7d, '2 days' or PT48H");
    }
}
