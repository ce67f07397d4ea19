package io.postbridge.core.auth;

import java.time.Instant;
import java.util.Optional;

/** The result of one SMTP AUTH attempt, with what the client may be told. */
public final class AuthOutcome {
    public enum Status {
        /** credentials valid */
        SUCCESS,
        /** unknown user, wrong or revoked key, wrong secret */
        INVALID,
        /** valid key of a disabled account */
        DISABLED,
        /** too many failures from this client or for this username: refused without checking */
        THROTTLED,
        /** the credentials cannot be checked now (Microsoft unreachable, store down) */
        UNAVAILABLE
    }

    private final Status status;
    private final Optional<SmtpPrincipal> principal;
    private final Optional<Instant> retryAfter;

    private AuthOutcome(Status status, Optional<SmtpPrincipal> principal, Optional<Instant> retryAfter) {
        this.status = status;
        this.principal = principal;
        this.retryAfter = retryAfter;
    }

    public static AuthOutcome success(SmtpPrincipal principal) {
        return new AuthOutcome(Status.SUCCESS, Optional.of(principal), Optional.empty());
    }

    public static AuthOutcome of(Status status) {
        return new AuthOutcome(status, Optional.empty(), Optional.empty());
    }

    public static AuthOutcome throttled(Instant until) {
        return new AuthOutcome(Status.THROTTLED, Optional.empty(), Optional.of(until));
    }

    public Status status() {
        return status;
    }

    public Optional<SmtpPrincipal> principal() {
        return principal;
    }

    public Optional<Instant> retryAfter() {
        return retryAfter;
    }

    @Override
    public String toString() {
        return status + principal.map(p -> " " + p).orElse("");
    }
}
