package io.postbridge.server.startup;

import java.util.List;
import java.util.Optional;

/** One {@code <smtpserver>} of smtpserver.xml, as far as start-up checks and the listener report need it. */
public final class SmtpListener {
    private final String name;
    private final boolean enabled;
    private final List<String> binds;
    private final boolean implicitTls;
    private final boolean startTls;
    private final Optional<String> keystore;
    private final Optional<String> privateKey;
    private final Optional<String> certificates;
    private final String authAnnounce;

    public SmtpListener(String name, boolean enabled, List<String> binds, boolean implicitTls, boolean startTls,
                        Optional<String> keystore, Optional<String> privateKey, Optional<String> certificates, String authAnnounce) {
        this.name = name;
        this.enabled = enabled;
        this.binds = List.copyOf(binds);
        this.implicitTls = implicitTls;
        this.startTls = startTls;
        this.keystore = keystore;
        this.privateKey = privateKey;
        this.certificates = certificates;
        this.authAnnounce = authAnnounce;
    }

    public String getName() {
        return name;
    }

    public boolean isEnabled() {
        return enabled;
    }

    /** {@code host:port} as written in {@code <bind>}. */
    public List<String> getBinds() {
        return binds;
    }

    public boolean isImplicitTls() {
        return implicitTls;
    }

    public boolean isStartTls() {
        return startTls;
    }

    public boolean usesTls() {
        return implicitTls || startTls;
    }

    public Optional<String> getKeystore() {
        return keystore;
    }

    public Optional<String> getPrivateKey() {
        return privateKey;
    }

    public Optional<String> getCertificates() {
        return certificates;
    }

    /** {@code always}, {@code never} or {@code forUnauthorizedAddresses}. */
    public String getAuthAnnounce() {
        return authAnnounce;
    }

    /** What a client can expect from this port, for the start-up report. */
    public String describeSecurity() {
        String tls = implicitTls ? "implicit TLS" : startTls ? "STARTTLS" : "no TLS";
        String auth = "never".equals(authAnnounce) ? "no AUTH" : "AUTH";
        return tls + ", " + auth;
    }
}
