package io.postbridge.core.suppression;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One suppressed recipient in one scope: an account's name, {@link #GLOBAL} for every account, or
 * {@link #FORWARDING} for alias targets.
 *
 * @param source what put it there: bounce, complaint, smtp (a 5xx while sending), provider, webadmin
 * @param detail the status and remote reply that decided it
 * @param hits   how many failures were seen for it (more bounces after it was suppressed count too)
 */
public final class Suppression {
    public static final String GLOBAL = "*";
    /**
     * The scope of mail forwarded by an alias (it belongs to no account): a bounce that comes back to the SRS
     * address of a forwarded copy suppresses the alias target here, and AliasForward stops forwarding to it.
     */
    public static final String FORWARDING = "+forwarding";

    private final String scope;
    private final String address;
    private final SuppressionReason reason;
    private final String source;
    private final String detail;
    private final Instant firstSeen;
    private final Instant lastSeen;
    private final int hits;
    private final Optional<Instant> expiresAt;

    public Suppression(String scope, String address, SuppressionReason reason, String source, String detail,
                       Instant firstSeen, Instant lastSeen, int hits, Optional<Instant> expiresAt) {
        this.scope = Objects.requireNonNull(scope);
        this.address = Objects.requireNonNull(address);
        this.reason = Objects.requireNonNull(reason);
        this.source = Objects.requireNonNull(source);
        this.detail = detail == null ? "" : detail;
        this.firstSeen = firstSeen;
        this.lastSeen = lastSeen;
        this.hits = hits;
        this.expiresAt = expiresAt;
    }

    public String scope() {
        return scope;
    }

    public boolean isGlobal() {
        return GLOBAL.equals(scope);
    }

    public String address() {
        return address;
    }

    public SuppressionReason reason() {
        return reason;
    }

    public String source() {
        return source;
    }

    public String detail() {
        return detail;
    }

    public Instant firstSeen() {
        return firstSeen;
    }

    public Instant lastSeen() {
        return lastSeen;
    }

    public int hits() {
        return hits;
    }

    public Optional<Instant> expiresAt() {
        return expiresAt;
    }

    public boolean activeAt(Instant now) {
        return expiresAt.map(now::isBefore).orElse(true);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Suppression)) {
            return false;
        }
        Suppression s = (Suppression) o;
        return scope.equals(s.scope) && address.equals(s.address) && reason == s.reason && source.equals(s.source)
            && detail.equals(s.detail) && Objects.equals(firstSeen, s.firstSeen) && Objects.equals(lastSeen, s.lastSeen)
            && hits == s.hits && expiresAt.equals(s.expiresAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(scope, address);
    }

    @Override
    public String toString() {
        return scope + ":" + address + " " + reason.wireName() + " (" + source + ", " + hits + " hits since " + firstSeen + ")";
    }
}
