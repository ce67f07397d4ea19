package io.postbridge.core.accounts;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * How an account's mail leaves: through the Gmail API, Microsoft Graph or an upstream SMTP server, with the
 * non-secret settings of that provider (client id, tenant, host, ...). Its secrets (client secret, refresh token,
 * password) are kept apart, encrypted, and are never read back through the API.
 */
public final class ProviderSettings {
    public enum Provider {
        GMAIL, GRAPH, SMTP;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Provider fromWireName(String name) {
            for (Provider provider : values()) {
                if (provider.wireName().equals(name)) {
                    return provider;
                }
            }
            throw new IllegalArgumentException("provider must be one of " + allWireNames() + ", was '" + name + "'");
        }

        public static String allWireNames() {
            return Arrays.stream(values()).map(Provider::wireName).collect(Collectors.joining(", "));
        }
    }

    private final Provider provider;
    private final Map<String, String> settings;

    public ProviderSettings(Provider provider, Map<String, String> settings) {
        this.provider = Objects.requireNonNull(provider);
        this.settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    public Provider provider() {
        return provider;
    }

    public Map<String, String> settings() {
        return settings;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProviderSettings && provider == ((ProviderSettings) o).provider
            && settings.equals(((ProviderSettings) o).settings);
    }

    @Override
    public int hashCode() {
        return Objects.hash(provider, settings);
    }

    @Override
    public String toString() {
        return provider.wireName() + " " + settings;
    }
}
