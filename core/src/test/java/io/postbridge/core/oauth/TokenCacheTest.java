package io.postbridge.core.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class TokenCacheTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T10:00:00Z"));
    private final TokenCache cache = new TokenCache(clock, Duration.ofMinutes(5), Duration.ofSeconds(30));
    private final AtomicInteger fetches = new AtomicInteger();

    private TokenSource source(CompletableFuture<AccessToken> answer) {
        return () -> {
            fetches.incrementAndGet();
            return answer;
        };
    }

    private AccessToken token(String value, Duration lifetime) {
        return new AccessToken(value, clock.instant().plus(lifetime));
    }

    @Test
    void concurrentColdRequestsShareOneFetch() throws Exception {
        CompletableFuture<AccessToken> pending = new CompletableFuture<>();
        List<CompletableFuture<AccessToken>> callers = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            callers.add(cache.token("account", () -> source(pending)));
        }
        pending.complete(token("t1", Duration.ofHours(1)));
        for (CompletableFuture<AccessToken> caller : callers) {
            assertThat(caller.get().value()).isEqualTo("t1");
        }
        assertThat(cache.token("account", () -> source(CompletableFuture.completedFuture(token("t2", Duration.ofHours(1))))).get().value())
            .isEqualTo("t1");
        assertThat(fetches).hasValue(1);
    }

    @Test
    void refreshesBeforeExpiryWhileTheOldTokenKeepsServing() throws Exception {
        cache.token("a", () -> source(CompletableFuture.completedFuture(token("old", Duration.ofHours(1))))).get();
        clock.advance(Duration.ofMinutes(56)); // 4 minutes left: inside the refresh window, still usable
        CompletableFuture<AccessToken> refresh = new CompletableFuture<>();
        assertThat(cache.token("a", () -> source(refresh)).get().value()).isEqualTo("old");
        assertThat(cache.token("a", () -> source(refresh)).get().value()).isEqualTo("old");
        assertThat(fetches).as("one refresh in flight, not one per caller").hasValue(2);
        refresh.complete(token("new", Duration.ofHours(1)));
        assertThat(cache.token("a", () -> source(refresh)).get().value()).isEqualTo("new");
        assertThat(fetches).hasValue(2);
    }

    @Test
    void anAlmostExpiredTokenIsNotHandedOut() throws Exception {
        cache.token("a", () -> source(CompletableFuture.completedFuture(token("old", Duration.ofMinutes(10))))).get();
        clock.advance(Duration.ofMinutes(9).plusSeconds(45));
        assertThat(cache.token("a", () -> source(CompletableFuture.completedFuture(token("new", Duration.ofHours(1))))).get().value())
            .isEqualTo("new");
    }

    @Test
    void failuresAreNotCachedAndEveryWaiterSeesThem() {
        CompletableFuture<AccessToken> failing = new CompletableFuture<>();
        CompletableFuture<AccessToken> first = cache.token("a", () -> source(failing));
        CompletableFuture<AccessToken> second = cache.token("a", () -> source(failing));
        failing.completeExceptionally(TokenException.reconsentNeeded("invalid_grant", null));
        for (CompletableFuture<AccessToken> caller : List.of(first, second)) {
            assertThatThrownBy(caller::get).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TokenException.class);
        }
        cache.token("a", () -> source(CompletableFuture.completedFuture(token("t", Duration.ofHours(1)))));
        assertThat(fetches).as("asked again after the failure").hasValue(2);
    }

    @Test
    void aKeyWhoseOnlyFetchFailedIsForgottenSoGuessesDoNotAccumulate() throws Exception {
        for (int i = 0; i < 100; i++) {
            CompletableFuture<AccessToken> refused = cache.token("guess-" + i,
                () -> source(CompletableFuture.failedFuture(TokenException.rejected("invalid_client", null))));
            assertThat(refused).isCompletedExceptionally();
        }
        assertThat(cache.size()).isZero();
        cache.token("good", () -> source(CompletableFuture.completedFuture(token("t", Duration.ofHours(1))))).get();
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void aFailedRefreshKeepsTheStillUsableToken() throws Exception {
        cache.token("a", () -> source(CompletableFuture.completedFuture(token("old", Duration.ofHours(1))))).get();
        clock.advance(Duration.ofMinutes(56));
        CompletableFuture<AccessToken> refresh = new CompletableFuture<>();
        assertThat(cache.token("a", () -> source(refresh)).get().value()).isEqualTo("old");
        refresh.completeExceptionally(TokenException.transientFailure("503", null));
        CompletableFuture<AccessToken> retry = new CompletableFuture<>();
        assertThat(cache.token("a", () -> source(retry)).get().value())
            .as("the old token is still served while a new refresh is tried").isEqualTo("old");
        assertThat(fetches).as("the failed refresh is tried again").hasValue(3);
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void secretFingerprintsAreKeyedPerCacheAndTellSecretsApart() {
        TokenCache other = new TokenCache();
        assertThat(cache.fingerprint("secret")).isEqualTo(cache.fingerprint("secret"))
            .isNotEqualTo(cache.fingerprint("secret "))
            .isNotEqualTo(other.fingerprint("secret"))
            .doesNotContain("secret")
            .hasSize(43); // the full 256-bit HMAC, base64url
    }

    @Test
    void invalidatedTokenIsReplaced() throws Exception {
        cache.token("a", () -> source(CompletableFuture.completedFuture(token("rejected", Duration.ofHours(1))))).get();
        cache.invalidate("a", "someone-else");
        assertThat(cache.token("a", () -> source(CompletableFuture.completedFuture(token("x", Duration.ofHours(1))))).get().value())
            .isEqualTo("rejected");
        cache.invalidate("a", "rejected");
        assertThat(cache.token("a", () -> source(CompletableFuture.completedFuture(token("fresh", Duration.ofHours(1))))).get().value())
            .isEqualTo("fresh");
    }

    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
