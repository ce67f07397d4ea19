package io.postbridge.core.alias;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One alias: where mail for it goes, whether a {@code +tag} of the recipient is passed on to the targets, and
 * whether it is disabled. Valid by construction: every way of building one checks it.
 */
public final class AliasDefinition {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$(\\d)");

    private final AliasSource source;
    private final List<String> targets;
    private final boolean keepTag;
    private final DisabledMode disabled;

    private AliasDefinition(AliasSource source, List<String> targets, boolean keepTag, DisabledMode disabled) {
        this.source = source;
        this.targets = targets;
        this.keepTag = keepTag;
        this.disabled = disabled;
    }

    /**
     * @param source  an address, a pattern or a catch-all (see {@link AliasSource})
     * @param targets addresses; for a pattern, {@code $1}.. in a target's local part stand for what the wildcards matched
     * @throws InvalidAliasException naming the offending part
     */
    public static AliasDefinition of(String source, List<String> targets, boolean keepTag, DisabledMode disabled) {
        AliasSource parsed = AliasSource.parse(source);
        Objects.requireNonNull(disabled, "disabled");
        Set<String> seen = new LinkedHashSet<>();
        List<String> clean = new ArrayList<>();
        for (String target : targets == null ? List.<String>of() : targets) {
            String normalised = normaliseTarget(target, parsed);
            if (seen.add(normalised.toLowerCase(Locale.ROOT))) {
                clean.add(normalised);
            }
        }
        if (clean.isEmpty() && disabled == DisabledMode.NO) {
            throw new InvalidAliasException("an enabled alias needs at least one target");
        }
        return new AliasDefinition(parsed, Collections.unmodifiableList(clean), keepTag, disabled);
    }

    private static String normaliseTarget(String raw, AliasSource source) {
        if (raw == null || raw.trim().isEmpty()) {
            throw new InvalidAliasException("a target is empty");
        }
        String target = raw.trim();
        int at = target.lastIndexOf('@');
        if (at <= 0 || at == target.length() - 1) {
            throw new InvalidAliasException("target '" + target + "' is not an address (local@domain)");
        }
        String local = target.substring(0, at);
        String domain = target.substring(at + 1).toLowerCase(Locale.ROOT);
        if (domain.indexOf('$') >= 0) {
            // a wildcard capture in the domain would let any sender pick where the mail is relayed to
            throw new InvalidAliasException("target '" + target + "': $n may only appear in the local part");
        }
        AliasSource.checkDomain(domain, target);
        Matcher placeholder = PLACEHOLDER.matcher(local);
        while (placeholder.find()) {
            int group = Integer.parseInt(placeholder.group(1));
            if (group < 1 || group > source.wildcardCount()) {
                throw new InvalidAliasException("target '" + target + "' uses $" + group + " but '" + source.key()
                    + "' has " + (source.wildcardCount() == 0 ? "no wildcard" : source.wildcardCount() + " wildcard(s)"));
            }
        }
        String probe = placeholder.replaceAll("x");
        if (probe.indexOf('*') >= 0 || probe.indexOf('?') >= 0) {
            throw new InvalidAliasException("target '" + target + "' contains a wildcard; only the alias address may");
        }
        AliasSource.checkLocalPart(probe, target);
        return local + "@" + domain;
    }

    public AliasSource source() {
        return source;
    }

    /** Targets as written, possibly with {@code $n} placeholders. */
    public List<String> targets() {
        return targets;
    }

    public boolean keepTag() {
        return keepTag;
    }

    public DisabledMode disabled() {
        return disabled;
    }

    /** The targets for one recipient, with the placeholders filled from what the wildcards matched. */
    List<String> targetsFor(List<String> captures) {
        if (captures.isEmpty()) {
            return targets;
        }
        List<String> filled = new ArrayList<>(targets.size());
        for (String target : targets) {
            Matcher placeholder = PLACEHOLDER.matcher(target);
            StringBuilder out = new StringBuilder();
            while (placeholder.find()) {
                placeholder.appendReplacement(out,
                    Matcher.quoteReplacement(captures.get(Integer.parseInt(placeholder.group(1)) - 1)));
            }
            placeholder.appendTail(out);
            filled.add(out.toString());
        }
        return filled;
    }

    @Override
    public boolean equals(Object other) {
        if (!(other instanceof AliasDefinition)) {
            return false;
        }
        AliasDefinition that = (AliasDefinition) other;
        return source.equals(that.source) && targets.equals(that.targets) && keepTag == that.keepTag
            && disabled == that.disabled;
    }

    @Override
    public int hashCode() {
        return Objects.hash(source, targets, keepTag, disabled);
    }

    @Override
    public String toString() {
        return source.key() + " -> " + targets + (keepTag ? " keepTag" : "")
            + (disabled == DisabledMode.NO ? "" : " disabled=" + disabled.wireName());
    }
}
