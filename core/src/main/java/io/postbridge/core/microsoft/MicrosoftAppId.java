package io.postbridge.core.microsoft;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A Microsoft Entra application named by an SMTP username, the way Graph relays accept it:
 * {@code <tenant id><sep><client id>[.anything]} with {@code sep} one of {@code @ : |}, each id either a UUID
 * ({@code 12345678-1234-...}) or its compact 22-character base64url form ({@code EjRWeBI0EjQSNBI0VnirzQ}).
 */
public final class MicrosoftAppId {
    private static final Pattern UUID_TEXT = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern COMPACT = Pattern.compile("[A-Za-z0-9_-]{22}");

    private final UUID tenantId;
    private final UUID clientId;

    public MicrosoftAppId(UUID tenantId, UUID clientId) {
        this.tenantId = Objects.requireNonNull(tenantId);
        this.clientId = Objects.requireNonNull(clientId);
    }

    public static Optional<MicrosoftAppId> parse(String username) {
        if (username == null) {
            return Optional.empty();
        }
        String value = username.trim();
        int separator = -1;
        for (char candidate : new char[] {'@', ':', '|'}) {
            int at = value.indexOf(candidate);
            if (at > 0) {
                separator = at;
                break;
            }
        }
        if (separator < 0) {
            return Optional.empty();
        }
        String tenant = value.substring(0, separator);
        String client = value.substring(separator + 1);
        int dot = client.indexOf('.');
        if (dot >= 0) {
            client = client.substring(0, dot); // "client.tld" for clients that insist on a domain
        }
        Optional<UUID> tenantId = id(tenant);
        Optional<UUID> clientId = id(client);
        if (tenantId.isEmpty() || clientId.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new MicrosoftAppId(tenantId.get(), clientId.get()));
    }

    private static Optional<UUID> id(String text) {
        if (UUID_TEXT.matcher(text).matches()) {
            return Optional.of(UUID.fromString(text.toLowerCase(Locale.ROOT)));
        }
        if (COMPACT.matcher(text).matches()) {
            byte[] bytes = Base64.getUrlDecoder().decode(text);
            if (bytes.length == 16) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                return Optional.of(new UUID(buffer.getLong(), buffer.getLong()));
            }
        }
        return Optional.empty();
    }

    /** The compact form of an id: 22 characters base64url, as some clients limit the username length. */
    public static String compact(UUID id) {
        ByteBuffer buffer = ByteBuffer.allocate(16);
        buffer.putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(buffer.array());
    }

    public String tenantId() {
        return tenantId.toString();
    }

    public String clientId() {
        return clientId.toString();
    }

    /** {@code tenant@client}: how this app appears as the SMTP user, in logs and on the mail. */
    public String asString() {
        return tenantId + "@" + clientId;
    }

    /**
     * {@code tenant:client}, one of the accepted username forms, and one James accepts as a user name (a domain
     * part may not start with a digit, as most client ids do): the SMTP user recorded on the mail.
     */
    public String asUsername() {
        return tenantId + ":" + clientId;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MicrosoftAppId && tenantId.equals(((MicrosoftAppId) o).tenantId) && clientId.equals(((MicrosoftAppId) o).clientId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(tenantId, clientId);
    }

    @Override
    public String toString() {
        return asString();
    }
}
