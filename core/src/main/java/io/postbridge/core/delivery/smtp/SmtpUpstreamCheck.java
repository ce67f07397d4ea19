package io.postbridge.core.delivery.smtp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import javax.mail.AuthenticationFailedException;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.URLName;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

import com.sun.mail.smtp.SMTPTransport;

/**
 * Tests an upstream before (or after) it is saved, sending nothing: DNS, TCP, TLS (certificate subject and validity),
 * AUTH, each stage with its result, a verdict naming the first stage that failed, and the server's own last reply.
 * The TLS and AUTH stages use the same javax.mail settings as delivery ({@link SmtpConnectionPool}), so a passing
 * test means delivery connects the same way.
 */
public final class SmtpUpstreamCheck {
    private final SmtpPoolSettings settings;
    private final Clock clock;

    public SmtpUpstreamCheck(SmtpPoolSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /** The outcome of the whole test, as WebAdmin returns it. */
    public Map<String, Object> check(SmtpRoute route) {
        List<Map<String, Object>> stages = new ArrayList<>();
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("destination", route.describe());
        result.put("stages", stages);
        String failed = run(route, stages, result);
        result.put("verdict", failed == null ? "ok" : "failed");
        result.put("failedStage", failed);
        return result;
    }

    private String run(SmtpRoute route, List<Map<String, Object>> stages, Map<String, Object> result) {
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(route.connectTo());
            stages.add(stage("dns", true, route.connectTo() + " is " + Arrays.stream(addresses).map(InetAddress::getHostAddress)
                .collect(Collectors.joining(", "))));
        } catch (UnknownHostException e) {
            stages.add(stage("dns", false, "cannot resolve " + route.connectTo() + ": " + e.getMessage()));
            return "dns";
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(addresses[0], route.port()), (int) settings.connectTimeout().toMillis());
            stages.add(stage("tcp", true, "connected to " + addresses[0].getHostAddress() + ":" + route.port()));
        } catch (IOException e) {
            stages.add(stage("tcp", false, "cannot connect to " + addresses[0].getHostAddress() + ":" + route.port() + ": " + e.getMessage()));
            return "tcp";
        }
        RecordingFactory tls = new RecordingFactory(settings.verifiedTls().orElse((SSLSocketFactory) SSLSocketFactory.getDefault()));
        Session session = Session.getInstance(SmtpConnectionPool.sessionProperties(route, settings, Optional.of(tls)));
        SMTPTransport transport = new SMTPTransport(session, new URLName("smtp", route.connectTo(), route.port(), null,
            route.username().orElse(null), null));
        try {
            transport.connect(route.connectTo(), route.port(), route.username().orElse(null), route.password().orElse(null));
            result.put("serverReply", SmtpSender.oneLine(transport.getLastServerResponse()));
            tlsStage(route, tls, stages, null);
            stages.add(route.username().isPresent() ? stage("auth", true, "authenticated as " + route.username().get())
                : stage("auth", true, "skipped: no username set"));
            return null;
        } catch (AuthenticationFailedException e) {
            result.put("serverReply", SmtpSender.oneLine(e.getMessage()));
            if (!tlsStage(route, tls, stages, null)) {
                return "tls";
            }
            stages.add(stage("auth", false, "the server refused the credentials of " + route.username().orElse("?") + ": "
                + SmtpSender.oneLine(e.getMessage())));
            return "auth";
        } catch (MessagingException e) {
            result.put("serverReply", SmtpSender.oneLine(transport.getLastServerResponse()));
            String problem = SmtpSender.describe(e);
            if (!tlsStage(route, tls, stages, problem)) {
                return "tls";
            }
            stages.add(stage("auth", false, problem));
            return "auth";
        } finally {
            try {
                transport.close();
            } catch (MessagingException ignored) {
                // the test is over either way
            }
        }
    }

    /** Adds the TLS stage; false when it failed. */
    private boolean tlsStage(SmtpRoute route, RecordingFactory tls, List<Map<String, Object>> stages, String problem) {
        if (route.security() == SmtpSecurity.PLAINTEXT) {
            stages.add(stage("tls", true, "skipped: plaintext explicitly allowed"));
            return true;
        }
        Optional<X509Certificate> certificate = tls.peerCertificate();
        if (certificate.isEmpty()) {
            stages.add(stage("tls", false, problem == null ? "no TLS session" : problem));
            return false;
        }
        X509Certificate cert = certificate.get();
        Map<String, Object> stage = stage("tls", true, tls.protocol() + " with " + route.host());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("subject", cert.getSubjectX500Principal().getName());
        details.put("issuer", cert.getIssuerX500Principal().getName());
        details.put("notBefore", cert.getNotBefore().toInstant().toString());
        details.put("notAfter", cert.getNotAfter().toInstant().toString());
        details.put("validNow", !clock.instant().isBefore(cert.getNotBefore().toInstant()) && clock.instant().isBefore(cert.getNotAfter().toInstant()));
        stage.put("certificate", details);
        stages.add(stage);
        return true;
    }

    private static Map<String, Object> stage(String name, boolean ok, String detail) {
        Map<String, Object> stage = new LinkedHashMap<>();
        stage.put("stage", name);
        stage.put("ok", ok);
        stage.put("detail", detail);
        return stage;
    }

    /** The TLS socket factory javax.mail uses, keeping the socket it made to read the peer's certificate. */
    private static final class RecordingFactory extends SSLSocketFactory {
        private final SSLSocketFactory delegate;
        private volatile SSLSocket last;

        RecordingFactory(SSLSocketFactory delegate) {
            this.delegate = delegate;
        }

        Optional<X509Certificate> peerCertificate() {
            SSLSocket socket = last;
            if (socket == null) {
                return Optional.empty();
            }
            try {
                Certificate[] chain = socket.getSession().getPeerCertificates();
                return chain.length > 0 && chain[0] instanceof X509Certificate ? Optional.of((X509Certificate) chain[0]) : Optional.empty();
            } catch (Exception e) {
                return Optional.empty(); // the handshake failed: no verified peer
            }
        }

        String protocol() {
            SSLSocket socket = last;
            return socket == null ? "" : socket.getSession().getProtocol() + " " + socket.getSession().getCipherSuite();
        }

        private Socket keep(Socket socket) {
            if (socket instanceof SSLSocket) {
                last = (SSLSocket) socket;
            }
            return socket;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return delegate.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return delegate.getSupportedCipherSuites();
        }

        @Override
        public Socket createSocket(Socket socket, String host, int port, boolean autoClose) throws IOException {
            return keep(delegate.createSocket(socket, host, port, autoClose));
        }

        @Override
        public Socket createSocket() throws IOException {
            return keep(delegate.createSocket());
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return keep(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return keep(delegate.createSocket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return keep(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
            return keep(delegate.createSocket(address, port, localAddress, localPort));
        }
    }
}
