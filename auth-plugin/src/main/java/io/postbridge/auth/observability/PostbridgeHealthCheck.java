package io.postbridge.auth.observability;

import org.apache.james.core.healthcheck.ComponentName;
import org.apache.james.core.healthcheck.HealthCheck;
import org.apache.james.core.healthcheck.Result;
import org.reactivestreams.Publisher;

import io.postbridge.core.health.HealthReport;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A core health check as a James {@link HealthCheck}: run off the event loop (checks may block on the store or a
 * socket), its report turned into James's healthy / degraded / unhealthy result with the cause. James lists it when
 * its class is in {@code additional.healthchecks} of conf/healthcheck.properties.
 */
abstract class PostbridgeHealthCheck implements HealthCheck {
    private final ComponentName name;

    PostbridgeHealthCheck(String name) {
        this.name = new ComponentName(name);
    }

    /** The check itself (may block). */
    abstract HealthReport report();

    @Override
    public ComponentName componentName() {
        return name;
    }

    @Override
    public Publisher<Result> check() {
        return Mono.fromCallable(() -> result(name, report()))
            .onErrorResume(e -> Mono.just(Result.unhealthy(name, "the check failed: " + e, e)))
            .subscribeOn(Schedulers.boundedElastic());
    }

    static Result result(ComponentName name, HealthReport report) {
        switch (report.status()) {
            case HEALTHY:
                return Result.healthy(name);
            case DEGRADED:
                return Result.degraded(name, report.cause().orElse("degraded"));
            case UNHEALTHY:
            default:
                return Result.unhealthy(name, report.cause().orElse("unhealthy"));
        }
    }
}
