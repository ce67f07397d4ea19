package io.postbridge.core.delivery.smtp;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

import javax.net.ssl.SSLSocketFactory;

/**
 * Limits of the connection pool. Defaults: Postfix's {@code smtp_connection_reuse_time_limit=300s} and
 * {@code smtp_connection_cache_time_limit=2s}, nodemailer's {@code maxMessages=100}, and 4 connections per route.
 */
public final class SmtpPoolSettings {
    private Duration maxLifetime = Duration.ofSeconds(300);
    private Duration maxIdle = Duration.ofSeconds(2);
    private int maxMessages = 100;
    private int connectionsPerRoute = 4;
    private Duration connectTimeout = Duration.ofSeconds(30);
    private Duration readTimeout = Duration.ofMinutes(5);
    private Duration borrowTimeout = Duration.ofMinutes(2);
    private Duration routeRetention = Duration.ofMinutes(15);
    private Duration reauthMargin = Duration.ofMinutes(1);
    private String heloName = "localhost";
    private Optional<SSLSocketFactory> verifiedTls = Optional.empty();

    public static SmtpPoolSettings defaults() {
        return new SmtpPoolSettings();
    }

    /** A connection is closed (QUIT) once this old, counted from connect. */
    public SmtpPoolSettings maxLifetime(Duration value) {
        this.maxLifetime = positive(value, "maxLifetime");
        return this;
    }

    /** A connection unused this long is closed rather than reused. */
    public SmtpPoolSettings maxIdle(Duration value) {
        this.maxIdle = positive(value, "maxIdle");
        return this;
    }

    /** A connection is closed after this many messages. */
    public SmtpPoolSettings maxMessages(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("maxMessages must be at least 1, was " + value);
        }
        this.maxMessages = value;
        return this;
    }

    /** Open connections per route at most: the per-destination concurrency limit. */
    public SmtpPoolSettings connectionsPerRoute(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("connectionsPerRoute must be at least 1, was " + value);
        }
        this.connectionsPerRoute = value;
        return this;
    }

    public SmtpPoolSettings connectTimeout(Duration value) {
        this.connectTimeout = positive(value, "connectTimeout");
        return this;
    }

    public SmtpPoolSettings readTimeout(Duration value) {
        this.readTimeout = positive(value, "readTimeout");
        return this;
    }

    /** How long a delivery waits for a connection of a route whose connections are all busy. */
    public SmtpPoolSettings borrowTimeout(Duration value) {
        this.borrowTimeout = positive(value, "borrowTimeout");
        return this;
    }

    /**
     * How long a route without open connections keeps its counters (WebAdmin's pools list) after its last use; then
     * it is forgotten, so a server sending to many MX hosts does not keep every one it ever reached.
     */
    public SmtpPoolSettings routeRetention(Duration value) {
        this.routeRetention = positive(value, "routeRetention");
        return this;
    }

    /**
     * An XOAUTH2 connection is not reused once its access token expires within this margin: it is closed and the
     * next message connects with a fresh token (SMTP allows one AUTH per session, RFC 4954 §4, so it cannot
     * re-authenticate in place).
     */
    public SmtpPoolSettings reauthMargin(Duration value) {
        this.reauthMargin = positive(value, "reauthMargin");
        return this;
    }

    public Duration reauthMargin() {
        return reauthMargin;
    }

    /** The name sent in EHLO. */
    public SmtpPoolSettings heloName(String value) {
        this.heloName = Objects.requireNonNull(value);
        return this;
    }

    /** The TLS socket factory for verified TLS (configured upstreams); default: the JVM's trust store. */
    public SmtpPoolSettings verifiedTls(SSLSocketFactory value) {
        this.verifiedTls = Optional.of(value);
        return this;
    }

    public Duration maxLifetime() {
        return maxLifetime;
    }

    public Duration maxIdle() {
        return maxIdle;
    }

    public int maxMessages() {
        return maxMessages;
    }

    public int connectionsPerRoute() {
        return connectionsPerRoute;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration readTimeout() {
        return readTimeout;
    }

    public Duration borrowTimeout() {
        return borrowTimeout;
    }

    public Duration routeRetention() {
        return routeRetention;
    }

    public String heloName() {
        return heloName;
    }

    public Optional<SSLSocketFactory> verifiedTls() {
        return verifiedTls;
    }

    private static Duration positive(Duration value, String name) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
        return value;
    }
}
