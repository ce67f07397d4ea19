package io.postbridge.core.consent;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

import io.postbridge.core.accounts.ProviderSettings;

/** Who the user signs in with, and how the account's mail then leaves. */
public enum ConsentProvider {
    GOOGLE("Google", ProviderSettings.Provider.GMAIL),
    MICROSOFT("Microsoft", ProviderSettings.Provider.GRAPH);

    private final String displayName;
    private final ProviderSettings.Provider delivery;

    ConsentProvider(String displayName, ProviderSettings.Provider delivery) {
        this.displayName = displayName;
        this.delivery = delivery;
    }

    /** The path segment: /connect/google, /connect/microsoft. */
    public String pathName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public String displayName() {
        return displayName;
    }

    public ProviderSettings.Provider delivery() {
        return delivery;
    }

    public static Optional<ConsentProvider> fromPathName(String name) {
        return Arrays.stream(values()).filter(p -> p.pathName().equals(name)).findFirst();
    }
}
