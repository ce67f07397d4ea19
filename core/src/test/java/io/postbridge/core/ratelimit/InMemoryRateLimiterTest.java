package io.postbridge.core.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import io.postbridge.core.accounts.Account;
import io.postbridge.core.testing.MutableClock;

class InMemoryRateLimiterTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T23:59:30Z"));
    private final InMemoryRateLimiter limiter = new InMemoryRateLimiter(clock);

    @Test
    void accountLimitsReplaceTheDefaultsAndRefusalsSayWhenToRetry() {
        AccountRateLimits limits = new AccountRateLimits(limiter, new RateLimitPolicy(100, 2), clock);
        Account erp = new Account(1, "erp", true, Optional.empty(), Optional.of(1), Optional.empty(), Instant.EPOCH);

        assertThat(limits.message("account:erp", Optional.of(erp)).isAllowed()).isTrue();
        RateLimitDecision refused = limits.message("account:erp", Optional.of(erp));
        assertThat(refused.isAllowed()).isFalse();
        assertThat(refused.limit()).isEqualTo(1);
        assertThat(refused.retryAfter()).contains(Instant.parse("2026-11-22T00:00:00Z"));

        assertThat(limits.recipient("account:erp", Optional.of(erp)).isAllowed()).isTrue();
        assertThat(limits.recipient("account:erp", Optional.of(erp)).isAllowed()).isTrue();
        assertThat(limits.recipient("account:erp", Optional.of(erp)).window()).contains(RateWindow.DAY);

        clock.advance(Duration.ofSeconds(30));
        assertThat(limits.message("account:erp", Optional.of(erp)).isAllowed()).as("new minute").isTrue();
        assertThat(limits.recipient("account:erp", Optional.of(erp)).isAllowed()).as("new UTC day").isTrue();
    }

    @Test
    void neverAdmitsMoreThanTheLimitUnderConcurrency() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Boolean>> attempts = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                attempts.add(() -> limiter.tryAcquire("account:burst", RateWindow.DAY, 1, 50));
            }
            int admitted = 0;
            for (Future<Boolean> result : pool.invokeAll(attempts)) {
                admitted += result.get() ? 1 : 0;
            }
            assertThat(admitted).isEqualTo(50);
        } finally {
            pool.shutdownNow();
        }
    }
}
