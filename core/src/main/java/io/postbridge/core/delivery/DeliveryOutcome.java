package io.postbridge.core.delivery;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/** What one delivery attempt came to. */
public final class DeliveryOutcome {
    public enum Kind { DELIVERED, TRANSIENT, PERMANENT }

    private final Kind kind;
    private final String detail;
    private final Optional<String> providerMessageId;
    private final Optional<Duration> retryAfter;
    private final String status;
    private final boolean reconsentNeeded;
    private final Optional<String> route;
    private final Optional<String> remoteReply;

    private DeliveryOutcome(Kind kind, String detail, Optional<String> providerMessageId, Optional<Duration> retryAfter,
                            String status, boolean reconsentNeeded) {
        this(kind, detail, providerMessageId, retryAfter, status, reconsentNeeded, Optional.empty(), Optional.empty());
    }

    private DeliveryOutcome(Kind kind, String detail, Optional<String> providerMessageId, Optional<Duration> retryAfter,
                            String status, boolean reconsentNeeded, Optional<String> route, Optional<String> remoteReply) {
        this.route = Objects.requireNonNull(route);
        this.remoteReply = Objects.requireNonNull(remoteReply);
        this.kind = kind;
        this.detail = Objects.requireNonNull(detail);
        this.providerMessageId = providerMessageId;
        this.retryAfter = retryAfter;
        this.status = status;
        this.reconsentNeeded = reconsentNeeded;
    }

    /** Accepted by the provider; {@code providerMessageId} when the API returns one (Gmail does, Graph does not). */
    public static DeliveryOutcome delivered(String detail, Optional<String> providerMessageId) {
        return new DeliveryOutcome(Kind.DELIVERED, detail, providerMessageId, Optional.empty(), "2.0.0", false);
    }

    /** Try again later, not before {@code retryAfter} if the provider said so. */
    public static DeliveryOutcome transientFailure(String detail, Optional<Duration> retryAfter) {
        return new DeliveryOutcome(Kind.TRANSIENT, detail, Optional.empty(), retryAfter, "4.0.0", false);
    }

    /** Will never work as is: bounce. {@code status} is the RFC 3463 enhanced status code for the DSN. */
    public static DeliveryOutcome permanentFailure(String detail, String status) {
        return new DeliveryOutcome(Kind.PERMANENT, detail, Optional.empty(), Optional.empty(), status, false);
    }

    /**
     * A token endpoint refused the account's credentials: a revoked grant needs a new consent, a wrong client
     * secret bounces, anything else (5xx, timeout) is tried again.
     */
    public static DeliveryOutcome tokenRefused(String detail, io.postbridge.core.oauth.TokenException token) {
        if (token.isReconsentNeeded()) {
            return reconsentNeeded(detail);
        }
        return token.isPermanent() ? permanentFailure(detail, "5.7.0") : transientFailure(detail, Optional.empty());
    }

    /** The account's grant is gone: bounce, and flag the account for re-consent. */
    public static DeliveryOutcome reconsentNeeded(String detail) {
        return new DeliveryOutcome(Kind.PERMANENT, detail, Optional.empty(), Optional.empty(), "5.7.0", true);
    }

    /**
     * The same outcome, saying where it came from: {@code route} (e.g. {@code mx mx.example.com:25}, {@code gmail-api})
     * and the remote server's reply line, for the events' structured fields.
     */
    public DeliveryOutcome via(String route, Optional<String> remoteReply) {
        return new DeliveryOutcome(kind, detail, providerMessageId, retryAfter, status, reconsentNeeded, Optional.of(route), remoteReply);
    }

    /** Where the attempt went, when the sender said so ({@link #via}). */
    public Optional<String> route() {
        return route;
    }

    /** The remote server's reply (SMTP reply line, provider error), when there was one. */
    public Optional<String> remoteReply() {
        return remoteReply;
    }

    public Kind kind() {
        return kind;
    }

    public String detail() {
        return detail;
    }

    public Optional<String> providerMessageId() {
        return providerMessageId;
    }

    public Optional<Duration> retryAfter() {
        return retryAfter;
    }

    public String status() {
        return status;
    }

    public boolean isReconsentNeeded() {
        return reconsentNeeded;
    }

    @Override
    public String toString() {
        return kind + " " + status + " " + detail + providerMessageId.map(id -> " id=" + id).orElse("")
            + retryAfter.map(r -> " retry-after=" + r).orElse("");
    }
}
