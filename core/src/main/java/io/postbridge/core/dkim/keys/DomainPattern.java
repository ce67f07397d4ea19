package io.postbridge.core.dkim.keys;

import java.util.Objects;
import java.util.Optional;

import io.postbridge.core.dkim.DkimSigningKey;

/**
 * {@code example.com} (that domain only) or {@code *.example.com} (every subdomain of example.com, not example.com
 * itself). Mail from a subdomain matched by a wildcard is signed as the parent ({@code d=example.com}), which keeps
 * DMARC's relaxed alignment and needs only the parent's DNS record.
 */
public final class DomainPattern {
    private final String base;
    private final boolean wildcard;

    private DomainPattern(String base, boolean wildcard) {
        this.base = base;
        this.wildcard = wildcard;
    }

    /** Throws IllegalArgumentException with an operator-readable reason. */
    public static DomainPattern parse(String text) {
        String trimmed = text.trim();
        if (trimmed.startsWith("*.")) {
            return new DomainPattern(DkimSigningKey.normalizeDomain(trimmed.substring(2)), true);
        }
        if (trimmed.contains("*")) {
            throw new IllegalArgumentException("'" + text + "': a wildcard is only allowed as '*.domain'");
        }
        return new DomainPattern(DkimSigningKey.normalizeDomain(trimmed), false);
    }

    /** {@code domain} must already be normalized ({@link DkimSigningKey#normalizeDomain}). */
    public boolean matches(String domain) {
        return wildcard ? domain.endsWith("." + base) : domain.equals(base);
    }

    public boolean isWildcard() {
        return wildcard;
    }

    /** The {@code d=} of signatures made for a domain this pattern matches. */
    public String signingDomain() {
        return base;
    }

    /** How closely it fits {@code domain}: exact beats the nearest wildcard, which beats a farther one. */
    int specificity() {
        return wildcard ? base.length() : Integer.MAX_VALUE;
    }

    /** The best of {@code patterns} for {@code domain}. */
    public static Optional<DomainPattern> best(Iterable<DomainPattern> patterns, String domain) {
        DomainPattern best = null;
        for (DomainPattern pattern : patterns) {
            if (pattern.matches(domain) && (best == null || pattern.specificity() > best.specificity())) {
                best = pattern;
            }
        }
        return Optional.ofNullable(best);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof DomainPattern)) {
            return false;
        }
        DomainPattern other = (DomainPattern) o;
        return wildcard == other.wildcard && base.equals(other.base);
    }

    @Override
    public int hashCode() {
        return Objects.hash(base, wildcard);
    }

    @Override
    public String toString() {
        return wildcard ? "*." + base : base;
    }
}
