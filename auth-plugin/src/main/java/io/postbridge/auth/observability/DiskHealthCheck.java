package io.postbridge.auth.observability;

import java.io.FileNotFoundException;

import javax.inject.Inject;

import org.apache.james.filesystem.api.FileSystem;

import io.postbridge.auth.backend.PostbridgeBackendHolder;
import io.postbridge.core.health.DiskHealth;
import io.postbridge.core.health.HealthReport;

/** {@code Postbridge:disk}: free space under the server's {@code var/} (see {@link DiskHealth}). */
public class DiskHealthCheck extends PostbridgeHealthCheck {
    private final DiskHealth health;

    @Inject
    public DiskHealthCheck(FileSystem fileSystem, PostbridgeBackendHolder holder) throws FileNotFoundException {
        super("Postbridge:disk");
        this.health = DiskHealth.of(fileSystem.getBasedir().toPath().resolve("var"), holder.settings().health().diskMinFreeBytes());
    }

    @Override
    HealthReport report() {
        return health.check();
    }
}
