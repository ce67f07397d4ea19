package io.postbridge.auth.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.protocols.netty.Encryption;
import org.apache.james.protocols.netty.NettyServer;
import org.apache.james.protocols.smtp.SMTPConfigurationImpl;
import org.apache.james.protocols.smtp.SMTPProtocol;
import org.apache.james.protocols.smtp.SMTPProtocolHandlerChain;
import org.apache.james.protocols.smtp.hook.Hook;

import io.postbridge.core.PostbridgeBackend;
import io.postbridge.core.settings.PostbridgeSettings;

/**
 * James's own SMTP protocol server with the hooks under test, on core's real services (the store on H2 in a temporary
 * folder), on a free loopback port; optionally offering STARTTLS with a certificate made for the test.
 */
final class SmtpHooksServer implements AutoCloseable {
    private static final String KEYSTORE_PASSWORD = "test-only-secret";

    private final PostbridgeBackend backend;
    private final NettyServer server;
    private final SSLContext clientTls;

    private SmtpHooksServer(PostbridgeBackend backend, NettyServer server, SSLContext clientTls) {
        this.backend = backend;
        this.server = server;
        this.clientTls = clientTls;
    }

    /** Core's services on a fresh store in {@code home}, with the default settings. */
    static PostbridgeBackend backend(Path home) throws Exception {
        return PostbridgeBackend.start(PostbridgeSettings.defaults(home), Map.of(), Clock.systemUTC(), PostbridgeBackend.noMicrosoft());
    }

    /** Plain SMTP only (no STARTTLS offered). */
    static SmtpHooksServer start(PostbridgeBackend backend, Hook... hooks) throws Exception {
        return start(backend, null, null, hooks);
    }

    /** SMTP with STARTTLS, on a self-signed certificate made in {@code folder}. */
    static SmtpHooksServer startWithStartTls(PostbridgeBackend backend, Path folder, Hook... hooks) throws Exception {
        KeyStore keystore = selfSigned(folder);
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(keystore, KEYSTORE_PASSWORD.toCharArray());
        SSLContext serverTls = SSLContext.getInstance("TLS");
        serverTls.init(keys.getKeyManagers(), null, null);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(keystore);
        SSLContext clientTls = SSLContext.getInstance("TLS");
        clientTls.init(null, trust.getTrustManagers(), null);
        return start(backend, serverTls, clientTls, hooks);
    }

    private static SmtpHooksServer start(PostbridgeBackend backend, SSLContext serverTls, SSLContext clientTls, Hook... hooks)
        throws Exception {
        SMTPProtocolHandlerChain chain = new SMTPProtocolHandlerChain(new RecordingMetricFactory(), hooks);
        NettyServer.Factory factory = new NettyServer.Factory().protocol(new SMTPProtocol(chain, new SMTPConfigurationImpl()));
        if (serverTls != null) {
            factory.secure(Encryption.createStartTls(serverTls));
        }
        NettyServer server = factory.build();
        server.setListenAddresses(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        server.bind();
        return new SmtpHooksServer(backend, server, clientTls);
    }

    PostbridgeBackend backend() {
        return backend;
    }

    /** A client that has read the greeting and said EHLO. */
    SmtpLineClient connect() throws IOException {
        return new SmtpLineClient(server.getListenAddresses().get(0).getPort(), clientTls);
    }

    @Override
    public void close() {
        server.unbind();
        backend.close();
    }

    /** A PKCS12 keystore with one self-signed EC key for localhost, made by the JDK's keytool. */
    private static KeyStore selfSigned(Path folder) throws Exception {
        Path file = folder.resolve("smtp-test.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
            "-genkeypair", "-keystore", file.toString(), "-storetype", "PKCS12", "-storepass", KEYSTORE_PASSWORD,
            "-keypass", KEYSTORE_PASSWORD, "-alias", "smtp", "-keyalg", "EC", "-groupname", "secp256r1",
            "-dname", "CN=localhost", "-validity", "2").redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes());
        if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
        KeyStore keystore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            keystore.load(in, KEYSTORE_PASSWORD.toCharArray());
        }
        return keystore;
    }
}
