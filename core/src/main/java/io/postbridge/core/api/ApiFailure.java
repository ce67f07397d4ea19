package io.postbridge.core.api;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Why an API call was refused, in terms both transports map: gRPC status codes and HTTP statuses. The message is
 * safe to show the client (it never contains a key or a code).
 */
public final class ApiFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public enum Kind {
        /** no key, unknown, revoked or of a disabled account (gRPC UNAUTHENTICATED, HTTP 401) */
        UNAUTHENTICATED(401),
        /** a field is missing or malformed (INVALID_ARGUMENT, 400) */
        INVALID_ARGUMENT(400),
        /** the sender policy refuses the sender (PERMISSION_DENIED, 403) */
        PERMISSION_DENIED(403),
        /** a rate limit or the resend throttle (RESOURCE_EXHAUSTED, 429 with Retry-After) */
        RESOURCE_EXHAUSTED(429),
        /** the spool or the store cannot take it now: retry (UNAVAILABLE, 503) */
        UNAVAILABLE(503);

        private final int httpStatus;

        Kind(int httpStatus) {
            this.httpStatus = httpStatus;
        }

        public int httpStatus() {
            return httpStatus;
        }
    }

    private final Kind kind;
    private final Optional<String> field;
    private final Optional<Duration> retryAfter;

    private ApiFailure(Kind kind, String message, Optional<String> field, Optional<Duration> retryAfter, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind);
        this.field = field;
        this.retryAfter = retryAfter;
    }

    public static ApiFailure unauthenticated(String message) {
        return new ApiFailure(Kind.UNAUTHENTICATED, message, Optional.empty(), Optional.empty(), null);
    }

    /** @param field the request field, as named in the .proto and JSON ({@code to[1]}, {@code from}) */
    public static ApiFailure invalid(String field, String problem) {
        return new ApiFailure(Kind.INVALID_ARGUMENT, field + ": " + problem, Optional.of(field), Optional.empty(), null);
    }

    public static ApiFailure permissionDenied(String message) {
        return new ApiFailure(Kind.PERMISSION_DENIED, message, Optional.empty(), Optional.empty(), null);
    }

    public static ApiFailure exhausted(String message, Duration retryAfter) {
        Duration atLeastOneSecond = retryAfter.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : retryAfter;
        return new ApiFailure(Kind.RESOURCE_EXHAUSTED, message, Optional.empty(), Optional.of(atLeastOneSecond), null);
    }

    public static ApiFailure unavailable(String message, Throwable cause) {
        return new ApiFailure(Kind.UNAVAILABLE, message, Optional.empty(), Optional.empty(), cause);
    }

    public Kind kind() {
        return kind;
    }

    public Optional<String> field() {
        return field;
    }

    /** When to try again (RESOURCE_EXHAUSTED), whole seconds rounded up by the transports. */
    public Optional<Duration> retryAfter() {
        return retryAfter;
    }

    /** Whole seconds, rounded up, for Retry-After and the gRPC trailer. */
    public Optional<Long> retryAfterSeconds() {
        return retryAfter.map(delay -> (delay.toMillis() + 999) / 1000);
    }
}
