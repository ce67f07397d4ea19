package io.postbridge.core.health;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The result of one health check: a status and, unless healthy, the cause in words an operator can act on. */
public final class HealthReport {
    public enum Status { HEALTHY, DEGRADED, UNHEALTHY }

    private static final HealthReport HEALTHY = new HealthReport(Status.HEALTHY, Optional.empty());

    private final Status status;
    private final Optional<String> cause;

    private HealthReport(Status status, Optional<String> cause) {
        this.status = status;
        this.cause = cause;
    }

    public static HealthReport healthy() {
        return HEALTHY;
    }

    public static HealthReport degraded(String cause) {
        return new HealthReport(Status.DEGRADED, Optional.of(cause));
    }

    public static HealthReport unhealthy(String cause) {
        return new HealthReport(Status.UNHEALTHY, Optional.of(cause));
    }

    /** The worst of {@code reports}, with the causes of that status joined by "; ". */
    public static HealthReport worst(List<HealthReport> reports) {
        Status worst = reports.stream().map(HealthReport::status).max(Enum::compareTo).orElse(Status.HEALTHY);
        if (worst == Status.HEALTHY) {
            return HEALTHY;
        }
        String causes = reports.stream().filter(r -> r.status == worst).map(r -> r.cause.orElse("")).filter(c -> !c.isEmpty())
            .reduce((a, b) -> a + "; " + b).orElse("");
        return new HealthReport(worst, Optional.of(causes));
    }

    public Status status() {
        return status;
    }

    public Optional<String> cause() {
        return cause;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HealthReport && status == ((HealthReport) o).status && cause.equals(((HealthReport) o).cause);
    }

    @Override
    public int hashCode() {
        return Objects.hash(status, cause);
    }

    @Override
    public String toString() {
        return status.name().toLowerCase(java.util.Locale.ROOT) + cause.map(c -> ": " + c).orElse("");
    }
}
