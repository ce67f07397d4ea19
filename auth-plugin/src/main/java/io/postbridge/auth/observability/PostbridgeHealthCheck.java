package io.postbridge.auth.observability;

import java.time.Duration;

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
    /** James's /healthcheck waits for every check: one that hangs (store, relay) must not hold the answer back. */
    static final Duration TIMEOUT = Duration.ofSeconds(8);

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
        // never fails: a check that ends after the timeout must not leave an error nobody receives
        return Mono.fromCallable(this::safeResult)
            .subscribeOn(Schedulers.boundedElastic())
            .timeout(TIMEOUT, Mono.fromCallable(() -> Result.unhealthy(name, "the check did not finish within " + TIMEOUT.toSeconds()
                + " s: the Postbridge store (or the relay) does not answer")));
    }

    private Result safeResult() {
        try {
            return result(name, report());
        } catch (RuntimeException e) {
            return Result.unhealthy(name, "the check failed: " + e, e);
        }
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
