package io.postbridge.core.dkim.keys;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Per-domain choice between {@link WhenKeyMissing#SEND_UNSIGNED} and {@link WhenKeyMissing#HOLD}. A domain named here
 * must be signed: if no key at all is configured for it, that counts as a missing key too.
 */
public final class MissingKeyPolicy {
    private final WhenKeyMissing defaultAction;
    private final Map<DomainPattern, WhenKeyMissing> perDomain;

    public MissingKeyPolicy(WhenKeyMissing defaultAction, Map<DomainPattern, WhenKeyMissing> perDomain) {
        this.defaultAction = Objects.requireNonNull(defaultAction);
        this.perDomain = new LinkedHashMap<>(perDomain);
    }

    public static MissingKeyPolicy sendUnsigned() {
        return new MissingKeyPolicy(WhenKeyMissing.SEND_UNSIGNED, Map.of());
    }

    public WhenKeyMissing actionFor(String domain) {
        return DomainPattern.best(perDomain.keySet(), domain).map(perDomain::get).orElse(defaultAction);
    }

    /** True when the operator named this domain (so it must be signed even if no key is configured for it). */
    public boolean isRequired(String domain) {
        return DomainPattern.best(perDomain.keySet(), domain).isPresent();
    }

    public WhenKeyMissing defaultAction() {
        return defaultAction;
    }
}
