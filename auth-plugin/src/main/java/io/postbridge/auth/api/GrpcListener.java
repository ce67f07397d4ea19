package io.postbridge.auth.api;

import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import javax.annotation.PreDestroy;
import javax.inject.Inject;
import javax.inject.Singleton;
import javax.net.ssl.KeyManagerFactory;

import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.utils.UserDefinedStartable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.postbridge.auth.web.SmtpServerTls;
import io.postbridge.core.api.ApiAuthentication;
import io.postbridge.core.api.ApiListenerSettings;
import io.postbridge.core.api.MailSubmission;
import io.postbridge.core.otp.OtpService;

/**
 * The gRPC listener ({@code api.grpc.*} of postbridge.properties): MailService and OtpService behind the API key check,
 * and server reflection (grpcurl). TLS with the server's certificate: the keystore of smtpserver.xml unless
 * {@code api.grpc.keystore} names another; plaintext only with {@code api.grpc.plaintext=true}. Started by James after its own
 * services ({@code guice.extension.startable=io.postbridge.auth.api.GrpcListener} in extensions.properties), stopped with it.
 */
@Singleton
public class GrpcListener implements UserDefinedStartable {
    private static final Logger LOGGER = LoggerFactory.getLogger(GrpcListener.class);
    /** Attachments may total 20 MB; base64 is not needed in protobuf, so this leaves room for the rest. */
    private static final int MAX_MESSAGE_BYTES = 32 * 1024 * 1024;

    private final ApiListenerSettings settings;
    private final ApiAuthentication authentication;
    private final MailSubmission submission;
    private final OtpService otp;
    private final FileSystem fileSystem;
    private Server server;

    @Inject
    public GrpcListener(ApiListenerSettings settings, ApiAuthentication authentication, MailSubmission submission, OtpService otp,
                        FileSystem fileSystem) {
        this.settings = settings;
        this.authentication = authentication;
        this.submission = submission;
        this.otp = otp;
        this.fileSystem = fileSystem;
    }

    @Override
    public synchronized void start() {
        if (!settings.enabled() || server != null) {
            return;
        }
        try {
            server = build().start();
        } catch (IOException e) {
            throw new IllegalStateException("postbridge.properties api.grpc: cannot listen on " + settings + ": " + e.getMessage(), e);
        }
        LOGGER.info("Postbridge: gRPC API (MailService, OtpService) listening on {}:{} ({})", settings.host(), port(),
            settings.plaintext() ? "PLAINTEXT: api.grpc.plaintext=true" : "TLS");
    }

    private Server build() {
        ApiKeyInterceptor keys = new ApiKeyInterceptor(authentication);
        return NettyServerBuilder.forAddress(new InetSocketAddress(settings.host(), settings.port()), credentials())
            .maxInboundMessageSize(MAX_MESSAGE_BYTES)
            .addService(ServerInterceptors.intercept(new GrpcMailService(submission), keys))
            .addService(ServerInterceptors.intercept(new GrpcOtpService(otp), keys))
            // the schema only, no key needed: grpcurl list / describe
            .addService(ProtoReflectionServiceV1.newInstance())
            .addService(ProtoReflectionService.newInstance())
            .build();
    }

    /** The bound port (the configured one, or the one the system chose for port 0). */
    public synchronized int port() {
        return server == null ? -1 : ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
    }

    @PreDestroy
    public synchronized void stop() {
        if (server != null) {
            server.shutdown();
            try {
                if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                    server.shutdownNow();
                }
            } catch (InterruptedException e) {
                server.shutdownNow();
                Thread.currentThread().interrupt();
            }
            server = null;
        }
    }

    private ServerCredentials credentials() {
        if (settings.plaintext()) {
            return InsecureServerCredentials.create();
        }
        Keystore keystore = settings.keystore().map(location -> new Keystore(Path.of(location), settings.keystorePassword().orElse(""), settings.keystoreType()))
            .or(this::smtpKeystore)
            .orElseThrow(() -> new IllegalStateException("postbridge.properties api.grpc: no keystore for TLS: set api.grpc.keystore "
                + "(or a <tls><keystore> in smtpserver.xml), or api.grpc.plaintext=true"));
        try (InputStream in = Files.newInputStream(keystore.path)) {
            KeyStore store = KeyStore.getInstance(keystore.type);
            store.load(in, keystore.password.toCharArray());
            KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(store, keystore.password.toCharArray());
            return TlsServerCredentials.newBuilder().keyManager(keyManagers.getKeyManagers()).build();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("postbridge.properties api.grpc: cannot read the keystore " + keystore.path + ": " + e.getMessage(), e);
        }
    }

    /** The server's certificate: the first {@code <tls><keystore>} of smtpserver.xml (as the public web listener). */
    private Optional<Keystore> smtpKeystore() {
        SmtpServerTls tls = SmtpServerTls.read(fileSystem);
        if (tls.keystore() == null) {
            return Optional.empty();
        }
        File file;
        try {
            file = fileSystem.getFile(tls.keystore().contains(":") ? tls.keystore() : "file://" + tls.keystore());
        } catch (FileNotFoundException e) {
            file = new File(tls.keystore());
        }
        // PKCS12 also reads JKS keystores (James's older default)
        return Optional.of(new Keystore(file.toPath(), tls.secret() == null ? "" : tls.secret(), settings.keystoreType()));
    }

    private static final class Keystore {
        private final Path path;
        private final String password;
        private final String type;

        Keystore(Path path, String password, String type) {
            this.path = path;
            this.password = password;
            this.type = type;
        }
    }
}
