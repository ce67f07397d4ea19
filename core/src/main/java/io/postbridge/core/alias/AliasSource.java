package io.postbridge.core.alias;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The address side of an alias, in one of three forms:
 * <ul>
 *   <li>an address, {@code info@example.com};</li>
 *   <li>a wildcard pattern on the local part, {@code support-*@example.com} ({@code *} any run of characters,
 *       {@code ?} one character; what they matched is available to the targets as {@code $1}, {@code $2}, ...);</li>
 *   <li>the catch-all of a domain, {@code @example.com} (also written {@code *@example.com}).</li>
 * </ul>
 * Matching ignores case. Patterns are matched by a linear-time glob matcher, never a regular expression, so a
 * hostile recipient address cannot make matching slow.
 */
public final class AliasSource {
    public enum Kind { ADDRESS, PATTERN, CATCH_ALL }

    static final int MAX_LOCAL_PART = 64;
    static final int MAX_DOMAIN = 253;
    private static final String FORBIDDEN_LOCAL = " \t\r\n\"(),:;<>@[\\]";

    private final Kind kind;
    private final String localPart;
    private final String domain;

    private AliasSource(Kind kind, String localPart, String domain) {
        this.kind = kind;
        this.localPart = localPart;
        this.domain = domain;
    }

    /** Parses and normalises (lower case); the message of the exception says what is wrong. */
    public static AliasSource parse(String text) {
        if (text == null || text.trim().isEmpty()) {
            throw new InvalidAliasException("the alias address is empty");
        }
        String value = text.trim().toLowerCase(Locale.ROOT);
        int at = value.lastIndexOf('@');
        if (at < 0) {
            throw new InvalidAliasException("'" + text + "' has no @domain");
        }
        String local = value.substring(0, at);
        String domain = value.substring(at + 1);
        checkDomain(domain, text);
        if (local.isEmpty() || local.equals("*")) {
            return new AliasSource(Kind.CATCH_ALL, "", domain);
        }
        checkLocalPart(local, text);
        boolean wildcard = local.indexOf('*') >= 0 || local.indexOf('?') >= 0;
        return new AliasSource(wildcard ? Kind.PATTERN : Kind.ADDRESS, local, domain);
    }

    static void checkDomain(String domain, String whole) {
        if (domain.isEmpty()) {
            throw new InvalidAliasException("'" + whole + "' has an empty domain");
        }
        if (domain.length() > MAX_DOMAIN || domain.startsWith(".") || domain.endsWith(".") || domain.startsWith("-")
            || domain.contains("..")) {
            throw new InvalidAliasException("'" + whole + "' has an invalid domain '" + domain + "'");
        }
        for (int i = 0; i < domain.length(); i++) {
            char c = domain.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
            if (!ok) {
                throw new InvalidAliasException("'" + whole + "' has an invalid character '" + c + "' in its domain");
            }
        }
    }

    static void checkLocalPart(String local, String whole) {
        if (local.length() > MAX_LOCAL_PART) {
            throw new InvalidAliasException("'" + whole + "' has a local part longer than " + MAX_LOCAL_PART + " characters");
        }
        if (local.startsWith(".") || local.endsWith(".") || local.contains("..")) {
            throw new InvalidAliasException("'" + whole + "' has a misplaced '.' in its local part");
        }
        for (int i = 0; i < local.length(); i++) {
            char c = local.charAt(i);
            if (c < 0x21 || c == 0x7f || FORBIDDEN_LOCAL.indexOf(c) >= 0) {
                throw new InvalidAliasException("'" + whole + "' has an invalid character in its local part"
                    + (c >= 0x21 && c != 0x7f ? " ('" + c + "')" : ""));
            }
        }
    }

    public Kind kind() {
        return kind;
    }

    public String domain() {
        return domain;
    }

    /** Lower-cased local part ("" for a catch-all). */
    public String localPart() {
        return localPart;
    }

    /** Canonical text: {@code info@example.com}, {@code support-*@example.com}, {@code @example.com}. */
    public String key() {
        return localPart + "@" + domain;
    }

    /** Number of {@code *} and {@code ?} in a pattern: the highest {@code $n} a target may use. */
    public int wildcardCount() {
        int count = 0;
        for (int i = 0; i < localPart.length(); i++) {
            char c = localPart.charAt(i);
            if (c == '*' || c == '?') {
                count++;
            }
        }
        return kind == Kind.PATTERN ? count : 0;
    }

    /** Characters a pattern matches literally; more literal characters = more specific = tried first. */
    int literalLength() {
        return localPart.length() - wildcardCount();
    }

    /**
     * For a pattern: what each wildcard matched in the (lower-cased) local part, when it matches. Each {@code *}
     * takes as few characters as it can, left to right. Linear in practice, O(n*m) at worst, no backtracking blow-up.
     */
    Optional<List<String>> match(String lowerLocalPart) {
        String p = localPart;
        String s = lowerLocalPart;
        int[] starts = new int[p.length()];
        int[] ends = new int[p.length()];
        int pi = 0;
        int si = 0;
        int starP = -1;
        int starS = -1;
        while (si < s.length()) {
            if (pi < p.length() && p.charAt(pi) == '?') {
                starts[pi] = si;
                ends[pi] = si + 1;
                pi++;
                si++;
            } else if (pi < p.length() && p.charAt(pi) == '*') {
                starP = pi;
                starS = si;
                starts[pi] = si;
                ends[pi] = si;
                pi++;
            } else if (pi < p.length() && p.charAt(pi) == s.charAt(si)) {
                pi++;
                si++;
            } else if (starP >= 0) {
                // let the last '*' take one more character and retry from just after it
                pi = starP + 1;
                starS++;
                si = starS;
                ends[starP] = starS;
            } else {
                return Optional.empty();
            }
        }
        while (pi < p.length() && p.charAt(pi) == '*') {
            starts[pi] = si;
            ends[pi] = si;
            pi++;
        }
        if (pi != p.length()) {
            return Optional.empty();
        }
        List<String> captures = new ArrayList<>();
        for (int i = 0; i < p.length(); i++) {
            if (p.charAt(i) == '*' || p.charAt(i) == '?') {
                captures.add(s.substring(starts[i], ends[i]));
            }
        }
        return Optional.of(captures);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AliasSource && ((AliasSource) other).key().equals(key());
    }

    @Override
    public int hashCode() {
        return Objects.hash(key());
    }

    @Override
    public String toString() {
        return key();
    }
}
