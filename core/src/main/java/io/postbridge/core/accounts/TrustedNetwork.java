package io.postbridge.core.accounts;

import java.util.Objects;

/** Unauthenticated clients from {@code range} act as account {@code accountId} (printers, scanners). */
public final class TrustedNetwork {
    private final IpRange range;
    private final long accountId;

    public TrustedNetwork(IpRange range, long accountId) {
        this.range = Objects.requireNonNull(range);
        this.accountId = accountId;
    }

    public IpRange range() {
        return range;
    }

    public long accountId() {
        return accountId;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrustedNetwork && range.equals(((TrustedNetwork) o).range) && accountId == ((TrustedNetwork) o).accountId;
    }

    @Override
    public int hashCode() {
        return Objects.hash(range, accountId);
    }

    @Override
    public String toString() {
        return range + " -> account " + accountId;
    }
}
