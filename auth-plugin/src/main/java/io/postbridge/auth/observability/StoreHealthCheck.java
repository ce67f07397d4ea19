package io.postbridge.auth.observability;

import java.time.Clock;
import java.time.Duration;

import javax.inject.Inject;

import io.postbridge.core.PostbridgeBackend;
import io.postbridge.core.health.HealthReport;
import io.postbridge.core.health.StoreHealth;

/** {@code Postbridge:store}: the Postbridge store answers (see {@link StoreHealth}). */
public class StoreHealthCheck extends PostbridgeHealthCheck {
    private final StoreHealth health;

    @Inject
    public StoreHealthCheck(PostbridgeBackend backend) {
        super("Postbridge:store");
        this.health = new StoreHealth(backend.database().dataSource(), backend.database().settings().toString(), Duration.ofSeconds(5),
            Clock.systemUTC());
    }

    @Override
    HealthReport report() {
        return health.check();
    }
}
