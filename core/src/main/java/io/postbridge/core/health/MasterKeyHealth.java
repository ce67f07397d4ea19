package io.postbridge.core.health;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

import io.postbridge.core.secrets.SecretCipher;
import io.postbridge.core.secrets.SecretVault;

/**
 * {@code Postbridge:master-key}: a canary secret, sealed with the master key the first time this check runs and
 * kept in the store, still decrypts. Unhealthy when it does not: the master key file (or environment variable)
 * is not the one the stored secrets were sealed with, so refresh tokens, client secrets and DKIM keys are unreadable.
 */
public final class MasterKeyHealth {
    static final String SCOPE = "postbridge-health";
    static final String NAME = "master-key-canary";
    private static final String PREFIX = "canary:";

    private final SecretVault vault;
    private final String keySource;

    /** @param keySource where the master keys come from (file path or variable name), for the cause */
    public MasterKeyHealth(SecretVault vault, String keySource) {
        this.vault = vault;
        this.keySource = keySource;
    }

    public HealthReport check() {
        String canary;
        try {
            byte[] random = new byte[16];
            new SecureRandom().nextBytes(random);
            // the stored canary, decrypted (a new one is sealed and stored only the first time)
            canary = vault.putIfAbsent(SCOPE, NAME, Optional.empty(), PREFIX + Base64.getEncoder().encodeToString(random));
        } catch (SecretCipher.SecretUnreadable e) {
            return HealthReport.unhealthy("the master key cannot decrypt the canary secret (" + e.getMessage() + "): the master key in "
                    + keySource + " is not the one the stored secrets were sealed with; restore the previous key file"
                    + " (docs/configuration.md, master key)");
        } catch (RuntimeException e) {
            return HealthReport.unhealthy("cannot read the master key canary from the store: " + e.getMessage());
        }
        if (!canary.startsWith(PREFIX)) {
            return HealthReport.unhealthy("the master key canary decrypted to something else: the master key in " + keySource
                + " does not match the stored secrets");
        }
        return HealthReport.healthy();
    }
}
