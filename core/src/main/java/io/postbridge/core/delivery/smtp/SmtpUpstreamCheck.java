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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import javax.mail.AuthenticationFailedException;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.URLName;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

import com.sun.mail.smtp.SMTPTransport;

import io.postbridge.core.oauth.AccessToken;

/**
 * Tests an upstream before (or after) it is saved, sending nothing: DNS, TCP, TLS (certificate subject and validity),
 * for XOAUTH2 upstreams the access token (the token endpoint's error, such as invalid_grant), AUTH, each stage with its result, a verdict naming the first stage that failed, and the server's own last reply.
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
        // XOAUTH2: a fresh token from the endpoint (not the pool's cache), so the test proves the refresh token works
        Optional<Map<String, Object>> tokenStage = Optional.empty();
        Optional<String> secret = route.password();
        SmtpRoute connectAs = route;
        if (route.oauth().isPresent()) {
            try {
                AccessToken token = route.oauth().get().tokens().fetch().get(settings.readTimeout().toMillis(), TimeUnit.MILLISECONDS);
                secret = Optional.of(token.value());
                tokenStage = Optional.of(stage("token", true, "access token for " + route.username().orElse("?") + " valid until "
                    + token.expiresAt()));
            } catch (Exception e) {
                Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
                tokenStage = Optional.of(stage("token", false, cause instanceof TimeoutException
                    ? "the token endpoint did not answer within " + settings.readTimeout().toSeconds() + " s"
                    : SmtpSender.oneLine(String.valueOf(cause.getMessage()))));
                // without a token, still test TLS (connect without AUTH) so the operator sees every stage up to here
                connectAs = SmtpRoute.upstream(route.owner(), route.host(), route.port(), route.security(), Optional.empty(),
                    Optional.empty());
                secret = Optional.empty();
            }
        }
        boolean tokenFailed = tokenStage.isPresent() && !Boolean.TRUE.equals(tokenStage.get().get("ok"));
        RecordingFactory tls = new RecordingFactory(settings.verifiedTls().orElse((SSLSocketFactory) SSLSocketFactory.getDefault()));
        Session session = Session.getInstance(SmtpConnectionPool.sessionProperties(connectAs, settings, Optional.of(tls)));
        SMTPTransport transport = new SMTPTransport(session, new URLName("smtp", connectAs.connectTo(), connectAs.port(), null,
            connectAs.username().orElse(null), null));
        try {
            transport.connect(connectAs.connectTo(), connectAs.port(), connectAs.username().orElse(null), secret.orElse(null));
            result.put("serverReply", SmtpSender.oneLine(transport.getLastServerResponse()));
            tlsStage(route, tls, stages, null);
            tokenStage.ifPresent(stages::add);
            if (tokenFailed) {
                return "token";
            }
            stages.add(route.username().isPresent() ? stage("auth", true, "authenticated as " + route.username().get()
                + (route.oauth().isPresent() ? " (XOAUTH2)" : "")) : stage("auth", true, "skipped: no username set"));
            return null;
        } catch (AuthenticationFailedException e) {
            result.put("serverReply", SmtpSender.oneLine(e.getMessage()));
            if (!tlsStage(route, tls, stages, null)) {
                return "tls";
            }
            tokenStage.ifPresent(stages::add);
            stages.add(stage("auth", false, "the server refused the " + (route.oauth().isPresent() ? "access token" : "credentials")
                + " of " + route.username().orElse("?") + ": " + SmtpSender.oneLine(e.getMessage()) + errorChallenge(e.getMessage())));
            return "auth";
        } catch (MessagingException e) {
            result.put("serverReply", SmtpSender.oneLine(transport.getLastServerResponse()));
            String problem = SmtpSender.describe(e);
            if (!tlsStage(route, tls, stages, problem)) {
                return "tls";
            }
            tokenStage.ifPresent(stages::add);
            if (tokenFailed) {
                return "token";
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

    /**
     * An XOAUTH2 server refuses a token with a 334 challenge carrying a base64 JSON error (Gmail:
     * {@code {"status":"400","schemes":"Bearer","scope":"https://mail.google.com/"}}), which javax.mail reports as is:
     * show it decoded too.
     */
    static String errorChallenge(String reply) {
        String line = reply == null ? "" : reply.trim();
        if (!line.startsWith("334 ")) {
            return "";
        }
        try {
            String decoded = new String(java.util.Base64.getDecoder().decode(line.substring(4).trim()), java.nio.charset.StandardCharsets.UTF_8);
            return decoded.startsWith("{") ? " (error challenge: " + SmtpSender.oneLine(decoded) + ")" : "";
        } catch (IllegalArgumentException e) {
            return "";
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
