package io.postbridge.auth.observability;

import javax.inject.Inject;

import io.postbridge.core.PostbridgeBackend;
import io.postbridge.core.health.HealthReport;
import io.postbridge.core.health.MasterKeyHealth;

/** {@code Postbridge:master-key}: the master key decrypts a canary secret (see {@link MasterKeyHealth}). */
public class MasterKeyHealthCheck extends PostbridgeHealthCheck {
    private final MasterKeyHealth health;

    @Inject
    public MasterKeyHealthCheck(PostbridgeBackend backend) {
        super("Postbridge:master-key");
        this.health = new MasterKeyHealth(backend.secretVault(), backend.masterKeys().source().describe());
    }

    @Override
    HealthReport report() {
        return health.check();
    }
}
