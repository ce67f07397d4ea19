package io.postbridge.core.api;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code api.grpc.*} of postbridge.properties: where the gRPC listener binds and its TLS. Without an explicit keystore
 * it uses the one of James's smtpserver.xml (the server's certificate); plaintext only when {@code api.grpc.plaintext=true}.
 */
public final class ApiListenerSettings {
    public static final int DEFAULT_PORT = 50051;

    private final boolean enabled;
    private final String host;
    private final int port;
    private final boolean plaintext;
    private final Optional<Path> keystore;
    private final Optional<String> keystorePassword;
    private final String keystoreType;

    public ApiListenerSettings(boolean enabled, String host, int port, boolean plaintext, Optional<Path> keystore,
                               Optional<String> keystorePassword, String keystoreType) {
        this.enabled = enabled;
        this.host = Objects.requireNonNull(host);
        this.port = port;
        this.plaintext = plaintext;
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

    public boolean plaintext() {
        return plaintext;
    }

    /** Empty: the keystore of smtpserver.xml. */
    public Optional<Path> keystore() {
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
        return host + ":" + port + (plaintext ? " (plaintext)" : " (TLS)");
    }
}
