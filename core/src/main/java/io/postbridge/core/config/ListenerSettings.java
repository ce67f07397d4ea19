package io.postbridge.core.config;

import java.util.Objects;
import java.util.Optional;

/**
 * Where one of Postbridge's own listeners binds and its TLS: the public web listener ({@code consent.web.*}) and the
 * gRPC listener ({@code api.grpc.*}). An empty keystore means the server's certificate: the first
 * {@code <tls><keystore>} of James's smtpserver.xml.
 */
public class ListenerSettings {
    private final boolean enabled;
    private final String host;
    private final int port;
    private final boolean tls;
    private final Optional<String> keystore;
    private final Optional<String> keystorePassword;
    private final String keystoreType;

    public ListenerSettings(boolean enabled, String host, int port, boolean tls, Optional<String> keystore,
                            Optional<String> keystorePassword, String keystoreType) {
        this.enabled = enabled;
        this.host = Objects.requireNonNull(host);
        this.port = port;
        this.tls = tls;
        this.keystore = Objects.requireNonNull(keystore);
        this.keystorePassword = Objects.requireNonNull(keystorePassword);
        this.keystoreType = Objects.requireNonNull(keystoreType);
    }

    public boolean enabled() {
        return enabled;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** TLS on the listener itself; false only for plaintext (or a TLS proxy in front). */
    public boolean tls() {
        return tls;
    }

    /** The keystore's location as configured; empty: the keystore of smtpserver.xml. */
    public Optional<String> keystore() {
        return keystore;
    }

    public Optional<String> keystorePassword() {
        return keystorePassword;
    }

    public String keystoreType() {
        return keystoreType;
    }

    @Override
    public String toString() {
        return host + ":" + port + (tls ? " (TLS)" : " (plaintext)");
    }
}
