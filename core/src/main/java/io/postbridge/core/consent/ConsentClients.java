package io.postbridge.core.consent;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import io.postbridge.core.secrets.SecretVault;
import io.postbridge.core.settings.ConsentSettings;

/**
 * Each provider's OAuth client: the one an operator stored through WebAdmin (client id and secret sealed in the
 * vault, re-encrypted by master-key rotation like every other secret) wins over {@code consent.google.clientId} /
 * {@code consent.microsoft.clientId} in postbridge.properties. Read from the store on each use, so a change takes
 * effect at once on every node; the endpoints and redirect URI always come from the settings.
 */
public final class ConsentClients {
    static final String SCOPE_PREFIX = "consent.client.";
    static final String CLIENT_ID = "clientId";
    static final String CLIENT_SECRET = "clientSecret";
    private static final int MAX_LENGTH = 1000;

    /** Where a provider's client comes from. */
    public enum Source { STORE, PROPERTIES, NONE }

    private final ConsentSettings settings;
    private final SecretVault vault;

    public ConsentClients(ConsentSettings settings, SecretVault vault) {
        this.settings = Objects.requireNonNull(settings);
        this.vault = Objects.requireNonNull(vault);
    }

    public Optional<OAuthClient> client(ConsentProvider provider) {
        Optional<String> id = vault.get(scope(provider), CLIENT_ID);
        Optional<String> secret = vault.get(scope(provider), CLIENT_SECRET);
        if (id.isPresent() && secret.isPresent()) {
            return Optional.of(settings.endpoints(provider).withCredentials(id.get(), secret.get()));
        }
        return settings.client(provider);
    }

    public Source source(ConsentProvider provider) {
        if (vault.get(scope(provider), CLIENT_ID).isPresent() && vault.get(scope(provider), CLIENT_SECRET).isPresent()) {
            return Source.STORE;
        }
        return settings.client(provider).isPresent() ? Source.PROPERTIES : Source.NONE;
    }

    /** The providers users can connect with, in the order of the landing page. */
    public List<ConsentProvider> configured() {
        List<ConsentProvider> providers = new ArrayList<>();
        for (ConsentProvider provider : ConsentProvider.values()) {
            if (source(provider) != Source.NONE) {
                providers.add(provider);
            }
        }
        return providers;
    }

    /**
     * Stores (replaces) the provider's client.
     *
     * @throws IllegalArgumentException naming the field, for a blank or oversized id or secret
     */
    public void put(ConsentProvider provider, String clientId, String clientSecret) {
        String id = check("clientId", clientId);
        String secret = check("clientSecret", clientSecret);
        vault.put(scope(provider), CLIENT_SECRET, Optional.empty(), secret);
        vault.put(scope(provider), CLIENT_ID, Optional.empty(), id);
    }

    /** Forgets the stored client (postbridge.properties' one, if any, applies again); false if there was none. */
    public boolean delete(ConsentProvider provider) {
        return vault.deleteScope(scope(provider)) > 0;
    }

    static String scope(ConsentProvider provider) {
        return SCOPE_PREFIX + provider.name().toLowerCase(java.util.Locale.ROOT);
    }

    private static String check(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " is required and must not be blank");
        }
        String trimmed = value.trim();
        if (trimmed.length() > MAX_LENGTH || trimmed.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException(field + " must be at most " + MAX_LENGTH + " printable characters");
        }
        return trimmed;
    }
}
