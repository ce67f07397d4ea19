package io.postbridge.core.accounts;

import java.time.Instant;
import java.util.Objects;

/**
 * The provider refused an account's grant and wants the user or admin to consent again ({@code invalid_grant},
 * consent revoked): why (the provider's words, never a secret) and since when. The account's mail bounces until
 * an operator stores new credentials, which clears the flag.
 */
public final class ReconsentFlag {
    private final String reason;
    private final Instant since;

    public ReconsentFlag(String reason, Instant since) {
        this.reason = Objects.requireNonNull(reason);
        this.since = Objects.requireNonNull(since);
    }

    public String reason() {
        return reason;
    }

    public Instant since() {
        return since;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ReconsentFlag && reason.equals(((ReconsentFlag) o).reason) && since.equals(((ReconsentFlag) o).since);
    }

    @Override
    public int hashCode() {
        return Objects.hash(reason, since);
    }

    @Override
    public String toString() {
        return "needs re-consent since " + since + ": " + reason;
    }
}
