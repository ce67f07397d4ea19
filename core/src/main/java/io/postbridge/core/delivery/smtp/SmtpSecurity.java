package io.postbridge.core.delivery.smtp;

import java.util.Locale;
import java.util.Optional;

/** How a connection is protected. */
public enum SmtpSecurity {
    /** STARTTLS when the server offers it, without certificate checks (RFC 7435): direct MX delivery. */
    OPPORTUNISTIC,
    /** STARTTLS required, certificate and host name checked: configured upstreams. */
    STARTTLS,
    /** TLS from the first byte (port 465), certificate and host name checked. */
    TLS,
    /** No TLS at all: only with an explicit opt-in (a relay on loopback, tests). */
    PLAINTEXT;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<SmtpSecurity> fromWireName(String name) {
        for (SmtpSecurity value : values()) {
            if (value.wireName().equalsIgnoreCase(name.trim())) {
                return Optional.of(value);
            }
        }
        return Optional.empty();
    }
}
