package io.postbridge.core.delivery;

import java.util.Objects;
import java.util.Optional;

/**
 * Everything delivery needs to know about one account: its provider and the credentials to get a token there.
 * Secrets are only in memory while mail is being delivered and {@link #toString()} never shows them.
 * <ul>
 * <li>{@link #gmail}: OAuth client id/secret and the user's refresh token (scope {@code gmail.send}).</li>
 * <li>{@link #graphApp}: an Entra application (tenant, client id, secret) with the application permission
 * {@code Mail.Send}; the mail goes out of {@code mailbox} or, when unset, the mailbox of the envelope sender.</li>
 * <li>{@link #graphDelegated}: a mailbox whose owner consented; the refresh token is the owner's.</li>
 * </ul>
 */
public final class ProviderAccount {
    public enum Kind { GMAIL, GRAPH_APP, GRAPH_DELEGATED, SMTP }

    private final String account;
    private final Kind kind;
    private final Optional<String> tenant;
    private final Optional<String> clientId;
    private final Optional<String> clientSecret;
    private final Optional<String> refreshToken;
    private final Optional<String> mailbox;
    private final Optional<io.postbridge.core.delivery.smtp.SmtpUpstream> smtpUpstream;

    private ProviderAccount(String account, Kind kind, Optional<String> tenant, Optional<String> clientId,
                            Optional<String> clientSecret, Optional<String> refreshToken, Optional<String> mailbox) {
        this(account, kind, tenant, clientId, clientSecret, refreshToken, mailbox, Optional.empty());
    }

    private ProviderAccount(String account, Kind kind, Optional<String> tenant, Optional<String> clientId,
                            Optional<String> clientSecret, Optional<String> refreshToken, Optional<String> mailbox,
                            Optional<io.postbridge.core.delivery.smtp.SmtpUpstream> smtpUpstream) {
        this.smtpUpstream = smtpUpstream;
        this.account = Objects.requireNonNull(account);
        this.kind = Objects.requireNonNull(kind);
        this.tenant = tenant;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.refreshToken = refreshToken;
        this.mailbox = mailbox;
    }

    public static ProviderAccount gmail(String account, String clientId, String clientSecret, String refreshToken) {
        return new ProviderAccount(account, Kind.GMAIL, Optional.empty(), Optional.of(clientId), Optional.of(clientSecret),
            Optional.of(refreshToken), Optional.empty());
    }

    public static ProviderAccount graphApp(String account, String tenant, String clientId, String clientSecret,
                                           Optional<String> mailbox) {
        return new ProviderAccount(account, Kind.GRAPH_APP, Optional.of(tenant), Optional.of(clientId),
            Optional.of(clientSecret), Optional.empty(), mailbox);
    }

    public static ProviderAccount graphDelegated(String account, String tenant, String clientId, String clientSecret,
                                                 String refreshToken, String mailbox) {
        return new ProviderAccount(account, Kind.GRAPH_DELEGATED, Optional.of(tenant), Optional.of(clientId),
            Optional.of(clientSecret), Optional.of(refreshToken), Optional.of(mailbox));
    }

    /** An account whose mail goes through an upstream SMTP server (not delivered by ApiDelivery). */
    public static ProviderAccount smtp(String account) {
        return new ProviderAccount(account, Kind.SMTP, Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty());
    }

    /** An account whose mail SmtpDelivery sends through {@code upstream} (its own server, or the server-wide route). */
    public static ProviderAccount smtp(String account, io.postbridge.core.delivery.smtp.SmtpUpstream upstream) {
        return new ProviderAccount(account, Kind.SMTP, Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.of(upstream));
    }

    /** The upstream settings of an {@link Kind#SMTP} account. */
    public Optional<io.postbridge.core.delivery.smtp.SmtpUpstream> smtpUpstream() {
        return smtpUpstream;
    }

    public String account() {
        return account;
    }

    public Kind kind() {
        return kind;
    }

    public DeliveryProvider provider() {
        switch (kind) {
            case GMAIL:
                return DeliveryProvider.GMAIL;
            case SMTP:
                return DeliveryProvider.SMTP;
            default:
                return DeliveryProvider.GRAPH;
        }
    }

    public Optional<String> tenant() {
        return tenant;
    }

    public Optional<String> clientId() {
        return clientId;
    }

    public Optional<String> clientSecret() {
        return clientSecret;
    }

    public Optional<String> refreshToken() {
        return refreshToken;
    }

    public Optional<String> mailbox() {
        return mailbox;
    }

    @Override
    public String toString() {
        return "ProviderAccount{" + account + " " + kind + tenant.map(t -> " tenant=" + t).orElse("")
            + clientId.map(c -> " client=" + c).orElse("") + mailbox.map(m -> " mailbox=" + m).orElse("") + "}";
    }
}
