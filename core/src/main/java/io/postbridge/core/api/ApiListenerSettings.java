package io.postbridge.core.api;

import java.nio.file.Path;
import java.util.Optional;

import io.postbridge.core.config.ListenerSettings;

/**
 * {@code api.grpc.*} of postbridge.properties: where the gRPC listener binds and its TLS. Without an explicit keystore
 * it uses the one of James's smtpserver.xml (the server's certificate); plaintext only when {@code api.grpc.plaintext=true}.
 */
public final class ApiListenerSettings extends ListenerSettings {
    public static final int DEFAULT_PORT = 50051;

    public ApiListenerSettings(boolean enabled, String host, int port, boolean plaintext, Optional<Path> keystore,
                               Optional<String> keystorePassword, String keystoreType) {
        super(enabled, host, port, !plaintext, keystore.map(Path::toString), keystorePassword, keystoreType);
    }

    public boolean plaintext() {
        return !tls();
    }
}
