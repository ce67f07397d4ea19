package io.postbridge.core.accounts;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One entry of an account's sender policy: a single address ({@code app@example.com}) or a whole domain
 * ({@code @example.com}). Compared case-insensitively, as mail systems in practice treat addresses.
 */
public final class SenderPattern {
    private static final Pattern DOMAIN = Pattern.compile("(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]");
    private static final Pattern LOCAL_PART = Pattern.compile("[a-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}");

    private final String localPart; // null for a domain pattern
    private final String domain;

    private SenderPattern(String localPart, String domain) {
        this.localPart = localPart;
        this.domain = domain;
    }

    /** Parses {@code user@example.com}, {@code @example.com} or {@code example.com} (a domain). */
    public static SenderPattern parse(String raw) {
        if (raw == null) {
            throw new IllegalArgumentException("sender must be an address (app@example.com) or a domain (@example.com)");
        }
        String value = raw.trim().toLowerCase(Locale.ROOT);
        int at = value.lastIndexOf('@');
        String local = at < 0 ? null : value.substring(0, at);
        String domain = at < 0 ? value : value.substring(at + 1);
        if (local != null && local.isEmpty()) {
            local = null;
        }
        if (!DOMAIN.matcher(domain).matches() || (local != null && !LOCAL_PART.matcher(local).matches())) {
            throw new IllegalArgumentException("sender must be an address (app@example.com) or a domain (@example.com), was '" + raw + "'");
        }
        return new SenderPattern(local, domain);
    }

    public boolean isDomain() {
        return localPart == null;
    }

    public String domain() {
        return domain;
    }

    /** True when {@code address} (e.g. {@code App@Example.com}) is this address or in this domain. */
    public boolean matches(String address) {
        if (address == null) {
            return false;
        }
        String value = address.trim().toLowerCase(Locale.ROOT);
        int at = value.lastIndexOf('@');
        if (at <= 0) {
            return false;
        }
        String addressDomain = value.substring(at + 1);
        if (!addressDomain.equals(domain)) {
            return false;
        }
        return localPart == null || localPart.equals(value.substring(0, at));
    }

    /** {@code app@example.com} or {@code @example.com}: the stored and displayed form. */
    public String asString() {
        return (localPart == null ? "" : localPart) + "@" + domain;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SenderPattern && asString().equals(((SenderPattern) o).asString());
    }

    @Override
    public int hashCode() {
        return Objects.hash(asString());
    }

    @Override
    public String toString() {
        return asString();
    }
}
