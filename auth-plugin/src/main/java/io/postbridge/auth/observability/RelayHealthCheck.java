package io.postbridge.auth.observability;

import java.time.Clock;
import java.time.Duration;
import java.util.stream.Collectors;

import javax.inject.Inject;

import io.postbridge.auth.backend.PostbridgeBackendHolder;
import io.postbridge.core.delivery.smtp.SmtpPools;
import io.postbridge.core.delivery.smtp.SmtpSecurity;
import io.postbridge.core.health.HealthReport;
import io.postbridge.core.health.RelayHealth;

/** {@code Postbridge:relay}: the SMTP delivery smarthosts answer EHLO, cached (see {@link RelayHealth}). */
public class RelayHealthCheck extends PostbridgeHealthCheck {
    private final RelayHealth health;

    @Inject
    public RelayHealthCheck(SmtpPools pools, PostbridgeBackendHolder holder) {
        super("Postbridge:relay");
        this.health = new RelayHealth(() -> pools.relays().stream()
            .map(route -> new RelayHealth.Relay(route.host(), route.port(), route.security() == SmtpSecurity.TLS))
            .distinct().collect(Collectors.toList()),
            RelayHealth.ehlo("postbridge-health-check", Duration.ofSeconds(10)), Clock.systemUTC(),
            holder.settings().health().relayCacheTime());
    }

    @Override
    HealthReport report() {
        return health.check();
    }
}
