package io.postbridge.core.suppression;

import java.util.Objects;
import java.util.Optional;

/** An account's overrides of the suppression policy; an empty value means the postbridge.properties default. */
public final class AccountBouncePolicy {
    private final String account;
    private final Optional<Integer> softBounces;
    private final Optional<SuppressionPolicy.Enforcement> enforcement;
    private final Optional<Boolean> forwardBounces;

    public AccountBouncePolicy(String account, Optional<Integer> softBounces, Optional<SuppressionPolicy.Enforcement> enforcement,
                               Optional<Boolean> forwardBounces) {
        this.account = Objects.requireNonNull(account);
        this.softBounces = Objects.requireNonNull(softBounces);
        this.enforcement = Objects.requireNonNull(enforcement);
        this.forwardBounces = Objects.requireNonNull(forwardBounces);
        softBounces.ifPresent(n -> {
            if (n < 1 || n > 1000) {
                throw new IllegalArgumentException("softBounces must be from 1 to 1000, was " + n);
            }
        });
    }

    public static AccountBouncePolicy defaults(String account) {
        return new AccountBouncePolicy(account, Optional.empty(), Optional.empty(), Optional.empty());
    }

    public String account() {
        return account;
    }

    public Optional<Integer> softBounces() {
        return softBounces;
    }

    public Optional<SuppressionPolicy.Enforcement> enforcement() {
        return enforcement;
    }

    public Optional<Boolean> forwardBounces() {
        return forwardBounces;
    }
}
