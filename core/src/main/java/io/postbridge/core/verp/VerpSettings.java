package io.postbridge.core.verp;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

import io.postbridge.core.signing.SecretRing;

/**
 * {@code verp.*} of postbridge.properties: the secrets (SRS's file format and rotation), how long an address is
 * accepted back, and which of our domains bounces come back to.
 */
public final class VerpSettings {
    public static final int DEFAULT_MAX_AGE_DAYS = 21;

    private final SecretRing secrets;
    private final int maxAgeDays;
    private final Optional<String> defaultDomain;
    private final Map<String, String> domains;

    /**
     * @param domains sending domain to bounce domain ({@code verp.domains})
     * @param defaultDomain the bounce domain of a sender whose domain is not ours and not in {@code domains}
     */
    public VerpSettings(SecretRing secrets, int maxAgeDays, Optional<String> defaultDomain, Map<String, String> domains) {
        if (maxAgeDays < 1 || maxAgeDays > 1000) {
            throw new IllegalArgumentException("the maximum age must be from 1 to 1000 days, was " + maxAgeDays);
        }
        this.secrets = Objects.requireNonNull(secrets);
        this.maxAgeDays = maxAgeDays;
        this.defaultDomain = defaultDomain.map(d -> d.toLowerCase(Locale.ROOT));
        this.domains = new TreeMap<>();
        domains.forEach((k, v) -> this.domains.put(k.toLowerCase(Locale.ROOT), v.toLowerCase(Locale.ROOT)));
    }

    SecretRing secrets() {
        return secrets;
    }

    public int maxAgeDays() {
        return maxAgeDays;
    }

    public Optional<String> defaultDomain() {
        return defaultDomain;
    }

    public Map<String, String> domains() {
        return domains;
    }
}
