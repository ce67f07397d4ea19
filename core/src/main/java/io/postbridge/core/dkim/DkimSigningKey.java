package io.postbridge.core.dkim;

import java.net.IDN;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/** A private key together with where its public half is published: {@code d=} domain and {@code s=} selector. */
public final class DkimSigningKey {
    private static final Pattern LABEL = Pattern.compile("[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?");

    private final String domain;
    private final String selector;
    private final DkimPrivateKey key;

    public DkimSigningKey(String domain, String selector, DkimPrivateKey key) {
        this.domain = normalizeDomain(domain);
        this.selector = normalizeSelector(selector);
        this.key = Objects.requireNonNull(key);
    }

    /** Lower-case ASCII (A-label) form of {@code domain}; throws IllegalArgumentException when it is not a domain. */
    public static String normalizeDomain(String domain) {
        String ascii;
        String trimmed = domain.trim();
        if (isAscii(trimmed)) {
            ascii = trimmed.toLowerCase(Locale.ROOT); // what IDN.toASCII leaves of it: the common case, asked per mail
        } else {
            try {
                ascii = IDN.toASCII(trimmed, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + domain + "' is not a domain name", e);
            }
        }
        if (ascii.endsWith(".")) {
            ascii = ascii.substring(0, ascii.length() - 1);
        }
        if (!isDottedLabels(ascii) || !ascii.contains(".")) {
            throw new IllegalArgumentException("'" + domain + "' is not a domain name");
        }
        return ascii;
    }

    private static boolean isAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** Lower-case selector; selectors are one or more DNS labels. */
    public static String normalizeSelector(String selector) {
        String lower = selector.trim().toLowerCase(Locale.ROOT);
        if (!isDottedLabels(lower)) {
            throw new IllegalArgumentException("'" + selector + "' is not a DKIM selector (DNS labels: letters, digits, - and _)");
        }
        return lower;
    }

    private static boolean isDottedLabels(String name) {
        if (name.isEmpty() || name.length() > 253) {
            return false;
        }
        for (String label : name.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    public String domain() {
        return domain;
    }

    public String selector() {
        return selector;
    }

    public DkimPrivateKey key() {
        return key;
    }

    public DkimAlgorithm algorithm() {
        return key.algorithm();
    }

    public DkimDnsRecord dnsRecord() {
        return DkimDnsRecord.of(selector, domain, key);
    }

    @Override
    public String toString() {
        return "d=" + domain + " s=" + selector + " a=" + key.algorithm();
    }
}
