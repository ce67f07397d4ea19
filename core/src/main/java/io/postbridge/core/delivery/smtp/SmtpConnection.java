package io.postbridge.core.delivery.smtp;

import java.time.Instant;

import com.sun.mail.smtp.SMTPTransport;

/** One open, authenticated connection of the pool, used by one delivery at a time. */
public final class SmtpConnection {
    private final SmtpRoute route;
    private final SMTPTransport transport;
    private final Instant opened;
    private volatile Instant lastUsed;
    private volatile int messages;
    private final java.util.Optional<Instant> retireAt;

    SmtpConnection(SmtpRoute route, SMTPTransport transport, Instant opened) {
        this(route, transport, opened, java.util.Optional.empty());
    }

    SmtpConnection(SmtpRoute route, SMTPTransport transport, Instant opened, java.util.Optional<Instant> retireAt) {
        this.route = route;
        this.transport = transport;
        this.opened = opened;
        this.lastUsed = opened;
        this.retireAt = retireAt;
    }

    /**
     * From when this connection must not be reused: shortly before the access token it authenticated with (XOAUTH2)
     * expires; empty for passwords.
     */
    public java.util.Optional<Instant> retireAt() {
        return retireAt;
    }

    public SmtpRoute route() {
        return route;
    }

    public SMTPTransport transport() {
        return transport;
    }

    public Instant opened() {
        return opened;
    }

    Instant lastUsed() {
        return lastUsed;
    }

    void used(Instant at) {
        lastUsed = at;
    }

    void countMessage() {
        messages++;
    }

    public int messages() {
        return messages;
    }

    /** Does the server offer this ESMTP extension (from its EHLO answer)? */
    public boolean offers(String extension) {
        return transport.supportsExtension(extension);
    }
}
