package io.postbridge.core.config;

import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The one reader of operator settings: {@code postbridge.properties}, mailet and matcher parameters and the alias
 * configuration all read their values through it, so a value means the same everywhere. Every error is a
 * {@link SettingProblem.Invalid} whose message is one line naming the file and the setting.
 *
 * <p>Values are trimmed; a blank value counts as absent (the default applies). Booleans are {@code true/false/yes/no}
 * (any case); durations follow {@link Durations}; enumerations are matched by their wire name.
 */
public final class SettingsReader {
    /** The file of mailet and matcher parameters. */
    public static final String MAILET_CONTAINER = "mailetcontainer.xml";
    /** Parameters James's mailet container reads itself from every mailet element. */
    public static final Set<String> CONTAINER_PARAMETERS = Set.of("onMailetException", "onMatchException");

    private final String file;
    private final Function<String, String> settingName;
    private final Function<String, Optional<String>> values;

    private SettingsReader(String file, Function<String, String> settingName, Function<String, Optional<String>> values) {
        this.file = Objects.requireNonNull(file);
        this.settingName = Objects.requireNonNull(settingName);
        this.values = Objects.requireNonNull(values);
    }

    /** Keys named as they are in the file ({@code postbridge.properties}). */
    public static SettingsReader of(String file, Map<String, String> values) {
        Map<String, String> copy = Map.copyOf(values);
        return new SettingsReader(file, key -> key, key -> Optional.ofNullable(copy.get(key)));
    }

    /**
     * @param settingName how an error names a key ({@code key -> "mailet ApiDelivery <" + key + ">"})
     * @param values the raw value of a key, empty when absent
     */
    public static SettingsReader of(String file, Function<String, String> settingName, Function<String, Optional<String>> values) {
        return new SettingsReader(file, settingName, values);
    }

    /** A mailet's init parameters; errors name {@code mailet Name <parameter>}. */
    public static SettingsReader mailet(String mailetName, Function<String, Optional<String>> parameters) {
        return new SettingsReader(MAILET_CONTAINER, key -> "mailet " + mailetName + " <" + key + ">", parameters);
    }

    /**
     * A matcher's condition ({@code match="Name=condition"}), read as the one value {@code what}; errors name
     * {@code matcher Name=<what>}.
     */
    public static SettingsReader matcher(String matcherName, String what, String condition) {
        return new SettingsReader(MAILET_CONTAINER, key -> "matcher " + matcherName + "=<" + what + ">",
            key -> key.equals(what) ? Optional.ofNullable(condition) : Optional.empty());
    }

    /** Like {@link #requireKnown} for a mailet's parameters: James's container parameters are known too. */
    public SettingsReader requireKnownParameters(Collection<String> present, Collection<String> known) {
        Set<String> all = new java.util.HashSet<>(known);
        all.addAll(CONTAINER_PARAMETERS);
        for (String name : present) {
            if (!all.contains(name)) {
                throw problem(name, unknownMessage(name, known).replaceFirst("unknown setting", "unknown parameter"));
            }
        }
        return this;
    }

    /**
     * Refuses a key that is not known, naming the nearest known one: a typo never silently falls back to a default.
     *
     * @param present the keys the file holds
     */
    public SettingsReader requireKnown(Collection<String> present, Collection<String> known) {
        for (String key : present) {
            if (!known.contains(key)) {
                throw problem(key, unknownMessage(key, known));
            }
        }
        return this;
    }

    /** "unknown setting; did you mean 'x'? (known: ...)": one line, the nearest name first. */
    public static String unknownMessage(String key, Collection<String> known) {
        String nearest = nearest(key, known).map(name -> "; did you mean '" + name + "'?").orElse("");
        return "unknown setting" + nearest + " (known: " + String.join(", ", new TreeSet<>(known)) + ")";
    }

    /** The known name closest to {@code name} (case-insensitive edit distance), if any is close enough to be a typo. */
    public static Optional<String> nearest(String name, Collection<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int distance = distance(name.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        // beyond half the name's length it is another word, not a typo
        return best != null && bestDistance <= Math.max(2, name.length() / 2) ? Optional.of(best) : Optional.empty();
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    /** The trimmed value, empty when absent or blank. */
    public Optional<String> string(String key) {
        return values.apply(key).map(String::trim).filter(value -> !value.isEmpty());
    }

    public String string(String key, String defaultValue) {
        return string(key).orElse(defaultValue);
    }

    public String required(String key, String hint) {
        return string(key).orElseThrow(() -> problem(key, "missing; " + hint));
    }

    public int integer(String key, int defaultValue, int min, int max) {
        return integer(key, min, max).orElse(defaultValue);
    }

    /** A whole number from min to max, empty when absent. */
    public Optional<Integer> integer(String key, int min, int max) {
        Optional<String> raw = string(key);
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        try {
            int value = Integer.parseInt(raw.get());
            if (value >= min && value <= max) {
                return Optional.of(value);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw problem(key, "must be a whole number " + (max == Integer.MAX_VALUE ? "of at least " + min : "from " + min + " to " + max)
            + ", was '" + raw.get() + "'");
    }

    /** {@code true}, {@code false}, {@code yes} or {@code no}, any case. */
    public boolean bool(String key, boolean defaultValue) {
        return string(key).map(raw -> parseBoolean(raw).orElseThrow(() ->
            problem(key, "must be true or false (or yes or no), was '" + raw + "'"))).orElse(defaultValue);
    }

    /** The boolean words of every setting. */
    public static Optional<Boolean> parseBoolean(String raw) {
        switch (raw.trim().toLowerCase(Locale.ROOT)) {
            case "true":
            case "yes":
                return Optional.of(true);
            case "false":
            case "no":
                return Optional.of(false);
            default:
                return Optional.empty();
        }
    }

    public Duration duration(String key, Duration defaultValue, Duration min) {
        return duration(key, min).orElse(defaultValue);
    }

    /** A duration ({@link Durations}) of at least {@code min}, empty when absent. */
    public Optional<Duration> duration(String key, Duration min) {
        Optional<String> raw = string(key);
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        Duration value;
        try {
            value = Durations.parse(raw.get());
        } catch (IllegalArgumentException e) {
            throw problem(key, "must be a duration like 30s, 15m, 2h, 1d or '2 days' (see " + Durations.DOCUMENTED_AT
                + "), was '" + raw.get() + "'");
        }
        if (value.compareTo(min) < 0) {
            throw problem(key, "must be at least " + describe(min) + (raw.get().matches("[1-9]\\d*") ? " (a bare number means seconds)" : "")
                + ", was '" + raw.get() + "'");
        }
        return Optional.of(value);
    }

    /** An absolute URI with one of the schemes (any scheme when none given), empty when absent. */
    public Optional<URI> uri(String key, Set<String> schemes) {
        return string(key).map(raw -> {
            URI uri;
            try {
                uri = URI.create(raw);
            } catch (IllegalArgumentException e) {
                uri = null;
            }
            if (uri == null || uri.getScheme() == null || uri.getHost() == null) {
                throw problem(key, "must be an absolute URL like " + (schemes.contains("https") || schemes.isEmpty() ? "https" : schemes.iterator().next())
                    + "://host/path, was '" + raw + "'");
            }
            if (!schemes.isEmpty() && !schemes.contains(uri.getScheme().toLowerCase(Locale.ROOT))) {
                throw problem(key, "must be an " + String.join(" or ", new TreeSet<>(schemes)) + ":// URL, was '" + raw + "'");
            }
            return uri;
        });
    }

    /**
     * One of a fixed set of words ({@code DisabledMode::fromWireName}), empty when absent.
     *
     * @param allowed the words, for the error message ({@code "no, reject, drop"})
     */
    public <T> Optional<T> choice(String key, Function<String, Optional<T>> lookup, String allowed) {
        return string(key).map(raw -> lookup.apply(raw).orElseThrow(() ->
            problem(key, "must be one of " + allowed + ", was '" + raw + "'")));
    }

    /** A value of an enumeration by its constant name in any case ({@code memory} for {@code MEMORY}). */
    public <E extends Enum<E>> Optional<E> enumValue(String key, Class<E> type) {
        java.util.List<String> names = new java.util.ArrayList<>();
        for (E constant : type.getEnumConstants()) {
            names.add(constant.name().toLowerCase(Locale.ROOT));
        }
        return choice(key, raw -> {
            for (E constant : type.getEnumConstants()) {
                if (constant.name().equalsIgnoreCase(raw.replace('-', '_'))) {
                    return Optional.of(constant);
                }
            }
            return Optional.empty();
        }, String.join(", ", names));
    }

    /** A value read by a parser that throws IllegalArgumentException with the reason; empty when absent. */
    public <T> Optional<T> parsed(String key, Function<String, T> parser) {
        return string(key).map(raw -> {
            try {
                return parser.apply(raw);
            } catch (SettingProblem.Invalid e) {
                throw e;
            } catch (IllegalArgumentException e) {
                throw problem(key, e.getMessage());
            }
        });
    }

    /** The error for a key, as every reader method throws it. */
    public SettingProblem.Invalid problem(String key, String message) {
        return SettingProblem.invalid(file, key, settingName.apply(key), message);
    }

    public String file() {
        return file;
    }

    private static String describe(Duration d) {
        if (d.isZero()) {
            return "0";
        }
        long seconds = d.getSeconds();
        if (d.getNano() != 0 || seconds == 0) {
            return d.toMillis() + "ms";
        }
        if (seconds % 86_400 == 0) {
            return seconds / 86_400 + "d";
        }
        if (seconds % 3600 == 0) {
            return seconds / 3600 + "h";
        }
        if (seconds % 60 == 0) {
            return seconds / 60 + "m";
        }
        return seconds + "s";
    }
}
