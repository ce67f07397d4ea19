package io.postbridge.core.delivery.smtp;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * One server a message can be handed to, with the credentials to use there. Two routes are the same pool key only
 * when everything that decides who the mail is sent as is the same: the owner (an account name, or empty for the
 * server-wide routes), host, address, port, security, user name and a digest of the password. So connections are
 * never shared between accounts, and a changed password or host makes a new key (the old connections drain).
 */
public final class SmtpRoute {
    public enum Kind {
        MX("mx"), SMARTHOST("smarthost"), UPSTREAM("upstream");

        private final String wireName;

        Kind(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    private final Kind kind;
    private final String owner;
    private final String host;
    private final Optional<String> address;
    private final int port;
    private final SmtpSecurity security;
    private final Optional<String> username;
    private final Optional<String> password;
    private final byte[] passwordDigest;
    private final Optional<OAuth> oauth;

    private SmtpRoute(Kind kind, String owner, String host, Optional<String> address, int port, SmtpSecurity security,
                      Optional<String> username, Optional<String> password) {
        this(kind, owner, host, address, port, security, username, password, Optional.empty());
    }

    private SmtpRoute(Kind kind, String owner, String host, Optional<String> address, int port, SmtpSecurity security,
                      Optional<String> username, Optional<String> password, Optional<OAuth> oauth) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1-65535, was " + port);
        }
        if (username.isPresent() != (password.isPresent() || oauth.isPresent())) {
            throw new IllegalArgumentException("a user name needs a password (or an OAuth token source) and the other way round");
        }
        this.kind = Objects.requireNonNull(kind);
        this.owner = Objects.requireNonNull(owner);
        this.host = Objects.requireNonNull(host);
        this.address = Objects.requireNonNull(address);
        this.port = port;
        this.security = Objects.requireNonNull(security);
        this.username = username;
        this.password = password;
        this.passwordDigest = password.or(() -> oauth.map(OAuth::credentialId)).map(SmtpRoute::sha256).orElse(new byte[0]);
        this.oauth = oauth;
    }

    /**
     * Where an XOAUTH2 upstream's access tokens come from (Google Workspace, Microsoft 365 SMTP with OAuth).
     * {@code credentialId} stands for the credentials the tokens are issued for (a keyed hash of client and refresh
     * token, {@code TokenCache.fingerprint}): it is part of the pool key, so new credentials make new connections.
     */
    public static final class OAuth {
        private final String credentialId;
        private final io.postbridge.core.oauth.TokenSource tokens;

        public OAuth(String credentialId, io.postbridge.core.oauth.TokenSource tokens) {
            this.credentialId = Objects.requireNonNull(credentialId);
            this.tokens = Objects.requireNonNull(tokens);
        }

        public String credentialId() {
            return credentialId;
        }

        public io.postbridge.core.oauth.TokenSource tokens() {
            return tokens;
        }
    }

    /** A mail exchanger of a recipient domain, at one of its addresses; opportunistic STARTTLS, no AUTH. */
    public static SmtpRoute mx(String host, String address, int port) {
        return new SmtpRoute(Kind.MX, "", host, Optional.of(address), port, SmtpSecurity.OPPORTUNISTIC, Optional.empty(),
            Optional.empty());
    }

    /** The server-wide relay. */
    public static SmtpRoute smarthost(String host, int port, SmtpSecurity security, Optional<String> username,
                                      Optional<String> password) {
        return new SmtpRoute(Kind.SMARTHOST, "", host, Optional.empty(), port, security, username, password);
    }

    /** An account's own upstream server. */
    public static SmtpRoute upstream(String account, String host, int port, SmtpSecurity security, Optional<String> username,
                                     Optional<String> password) {
        return new SmtpRoute(Kind.UPSTREAM, account, host, Optional.empty(), port, security, username, password);
    }

    /**
     * An account's upstream that authenticates with XOAUTH2 (RFC 7628 style bearer token): each new connection
     * authenticates with a current access token, and a connection is retired before its token expires.
     */
    public static SmtpRoute upstreamOAuth(String account, String host, int port, SmtpSecurity security, String username, OAuth oauth) {
        return new SmtpRoute(Kind.UPSTREAM, account, host, Optional.empty(), port, security, Optional.of(username), Optional.empty(),
            Optional.of(oauth));
    }

    /** The XOAUTH2 token source, for upstreams that use one. */
    public Optional<OAuth> oauth() {
        return oauth;
    }

    public Kind kind() {
        return kind;
    }

    /** The account whose upstream this is; empty for MX and smarthost routes. */
    public String owner() {
        return owner;
    }

    public String host() {
        return host;
    }

    /** Where to connect: the resolved address for MX routes, else the host name. */
    public String connectTo() {
        return address.orElse(host);
    }

    public int port() {
        return port;
    }

    public SmtpSecurity security() {
        return security;
    }

    public Optional<String> username() {
        return username;
    }

    Optional<String> password() {
        return password;
    }

    /** For events, logs and WebAdmin: never the password. */
    public String describe() {
        return kind.wireName() + " " + host + address.filter(a -> !a.equals(host)).map(a -> " [" + a + "]").orElse("") + ":" + port
            + username.map(u -> " as " + u).orElse("") + (oauth.isPresent() ? " (XOAUTH2)" : "") + (owner.isEmpty() ? "" : " (account " + owner + ")");
    }

    @Override
    public String toString() {
        return describe();
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof SmtpRoute)) {
            return false;
        }
        SmtpRoute other = (SmtpRoute) o;
        return kind == other.kind && port == other.port && owner.equals(other.owner) && host.equalsIgnoreCase(other.host)
            && address.equals(other.address) && security == other.security && username.equals(other.username)
            && oauth.isPresent() == other.oauth.isPresent() && MessageDigest.isEqual(passwordDigest, other.passwordDigest);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, owner, host.toLowerCase(java.util.Locale.ROOT), address, port, security, username,
            Arrays.hashCode(passwordDigest));
    }

    private static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
