package io.postbridge.core.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import javax.sql.DataSource;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.postbridge.core.PostbridgeBackend;
import io.postbridge.core.dkim.keys.KeyLookup;
import io.postbridge.core.oauth.AccessToken;
import io.postbridge.core.oauth.TokenCache;
import io.postbridge.core.oauth.TokenException;
import io.postbridge.core.settings.PostbridgeSettings;
import io.postbridge.core.store.Jdbc;
import io.postbridge.core.testing.MutableClock;

/** The health checks' decisions: what an operator reads in {@code GET /healthcheck}. */
class HealthChecksTest {
    private static final Instant START = Instant.parse("2026-01-01T10:00:00Z");

    @Nested
    class Tokens {
        private final MutableClock clock = new MutableClock(START);
        private final TokenCache cache = new TokenCache(clock, Duration.ofMinutes(5), Duration.ofSeconds(30));
        private final AtomicReference<Map<String, String>> reconsent = new AtomicReference<>(Map.of());
        private final TokenHealth health = new TokenHealth(cache.activity(), reconsent::get, clock, Duration.ofMinutes(15));

        private void fetch(String key, CompletableFuture<AccessToken> answer) {
            cache.token(key, () -> () -> answer).handle((token, error) -> null).join();
        }

        @Test
        void healthyBeforeAnyRequestAndAfterAnAnswer() {
            assertThat(health.check()).isEqualTo(HealthReport.healthy());
            fetch("a", CompletableFuture.completedFuture(new AccessToken("t", START.plus(Duration.ofHours(1)))));
            assertThat(health.check()).isEqualTo(HealthReport.healthy());
            assertThat(cache.activity().requests()).isEqualTo(1);
        }

        @Test
        void anAccountNeedingConsentDegradesWithItsNameAndWhatToDo() {
            fetch("a", CompletableFuture.failedFuture(TokenException.reconsentNeeded("invalid_grant: Token has been revoked", null)));
            reconsent.set(Map.of("app@example.com", "invalid_grant: Token has been revoked"));
            HealthReport report = health.check();
            assertThat(report.status()).isEqualTo(HealthReport.Status.DEGRADED);
            assertThat(report.cause().orElseThrow()).contains("1 account(s) need a new consent", "app@example.com",
                "Token has been revoked", "PUT /postbridge/accounts/NAME/provider");
        }

        @Test
        void noAnswerInTheWindowIsUnhealthyAndAnEarlierAnswerOnlyDegrades() {
            fetch("a", CompletableFuture.failedFuture(TokenException.transientFailure("connect timed out", null)));
            HealthReport report = health.check();
            assertThat(report.status()).isEqualTo(HealthReport.Status.UNHEALTHY);
            assertThat(report.cause().orElseThrow()).contains("no token endpoint answered", "connect timed out");

            fetch("b", CompletableFuture.completedFuture(new AccessToken("t", START.plus(Duration.ofHours(1)))));
            clock.advance(Duration.ofSeconds(1));
            fetch("c", CompletableFuture.failedFuture(TokenException.transientFailure("HTTP 503", null)));
            assertThat(health.check().status()).isEqualTo(HealthReport.Status.DEGRADED);

            clock.advance(Duration.ofMinutes(16)); // the failures are out of the window
            assertThat(health.check()).isEqualTo(HealthReport.healthy());
        }

        @Test
        void aRefusalMeansTheEndpointAnswered() {
            fetch("a", CompletableFuture.failedFuture(TokenException.rejected("invalid_client", null)));
            assertThat(health.check()).isEqualTo(HealthReport.healthy());
        }
    }

    @Nested
    class Disk {
        private static final long MB = 1024 * 1024;

        private DiskHealth withFree(long free) {
            return new DiskHealth(Path.of("var"), new DiskHealth.Space() {
                @Override
                public long usable() {
                    return free;
                }

                @Override
                public long total() {
                    return 100_000 * MB;
                }
            }, 1024 * MB);
        }

        @Test
        void thresholds() {
            assertThat(withFree(2048 * MB).check()).isEqualTo(HealthReport.healthy());
            HealthReport low = withFree(500 * MB).check();
            assertThat(low.status()).isEqualTo(HealthReport.Status.DEGRADED);
            assertThat(low.cause().orElseThrow()).contains("500 MB free", "minimum 1024 MB", "health.disk.minFreeMb");
            assertThat(withFree(50 * MB).check().status()).isEqualTo(HealthReport.Status.UNHEALTHY);
        }

        @Test
        void readsTheRealFileSystemOfAFolderThatDoesNotExistYet(@TempDir Path dir) {
            assertThat(DiskHealth.of(dir.resolve("var/not/yet"), 1).check()).isEqualTo(HealthReport.healthy());
            assertThat(DiskHealth.of(dir, Long.MAX_VALUE).check().status()).isEqualTo(HealthReport.Status.UNHEALTHY);
        }
    }

    @Test
    void webhookBacklogThresholds() {
        assertThat(new WebhookBacklogHealth(() -> 99, 100).check()).isEqualTo(HealthReport.healthy());
        HealthReport backlog = new WebhookBacklogHealth(() -> 100, 100).check();
        assertThat(backlog.status()).isEqualTo(HealthReport.Status.DEGRADED);
        assertThat(backlog.cause().orElseThrow()).contains("100 webhook deliveries waiting (threshold 100");
        assertThat(new WebhookBacklogHealth(() -> 1000, 100).check().status()).isEqualTo(HealthReport.Status.UNHEALTHY);
        assertThat(new WebhookBacklogHealth(() -> {
            throw new IllegalStateException("connection refused");
        }, 100).check().cause().orElseThrow()).contains("connection refused");
    }

    @Test
    void dkimDomainsWithoutAUsableKey() {
        assertThat(DkimKeysHealth.evaluate(Map.of())).isEqualTo(HealthReport.healthy());
        KeyLookup missing = KeyLookup.unavailable(List.of("example.com selector s1: conf/dkim/s1.pem is missing"));
        HealthReport report = DkimKeysHealth.evaluate(Map.of("example.com", List.of(KeyLookup.notConfigured(), missing)));
        assertThat(report.status()).isEqualTo(HealthReport.Status.UNHEALTHY);
        assertThat(report.cause().orElseThrow()).contains("domain example.com has no active DKIM key", "s1.pem is missing");
        assertThat(DkimKeysHealth.evaluate(Map.of("example.org", List.of(KeyLookup.notConfigured()))))
            .isEqualTo(HealthReport.healthy());
    }

    @Nested
    class Relay {
        private final MutableClock clock = new MutableClock(START);

        @Test
        void answersAreCachedAndNoRelayAtAllIsHealthy() {
            assertThat(new RelayHealth(List::of, relay -> Optional.of("never asked"), clock, Duration.ofMinutes(5)).check())
                .isEqualTo(HealthReport.healthy());
            AtomicInteger probes = new AtomicInteger();
            RelayHealth.Relay a = new RelayHealth.Relay("a.example", 587, false);
            RelayHealth.Relay b = new RelayHealth.Relay("b.example", 587, false);
            RelayHealth health = new RelayHealth(() -> List.of(a, b), relay -> {
                probes.incrementAndGet();
                return relay.equals(a) ? Optional.empty() : Optional.of("connection refused");
            }, clock, Duration.ofMinutes(5));
            HealthReport report = health.check();
            assertThat(report.status()).isEqualTo(HealthReport.Status.DEGRADED);
            assertThat(report.cause().orElseThrow()).contains("b.example:587: connection refused");
            health.check();
            assertThat(probes.get()).isEqualTo(2);
            clock.advance(Duration.ofMinutes(6));
            health.check();
            assertThat(probes.get()).isEqualTo(4);
        }

        @Test
        void ehloProbeOfARealListenerAndOfAClosedPort() throws Exception {
            try (ServerSocket server = new ServerSocket(0)) {
                Thread answer = new Thread(() -> {
                    try (Socket socket = server.accept();
                         PrintWriter out = new PrintWriter(socket.getOutputStream(), true, StandardCharsets.US_ASCII)) {
                        out.print("220 relay ready\r\n");
                        out.flush();
                        var in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
                        in.readLine();
                        out.print("250-relay\r\n250 SIZE 1000\r\n");
                        out.flush();
                        in.readLine();
                    } catch (IOException ignored) {
                        // the test fails on the probe's result
                    }
                });
                answer.start();
                RelayHealth.Prober ehlo = RelayHealth.ehlo("probe.test", Duration.ofSeconds(5));
                assertThat(ehlo.probe(new RelayHealth.Relay("127.0.0.1", server.getLocalPort(), false))).isEmpty();
                answer.join(5000);
            }
            int closed;
            try (ServerSocket free = new ServerSocket(0)) {
                closed = free.getLocalPort();
            }
            RelayHealth health = new RelayHealth(() -> List.of(new RelayHealth.Relay("127.0.0.1", closed, false)),
                RelayHealth.ehlo("probe.test", Duration.ofSeconds(2)), clock, Duration.ofMinutes(5));
            HealthReport report = health.check();
            assertThat(report.status()).isEqualTo(HealthReport.Status.UNHEALTHY);
            assertThat(report.cause().orElseThrow()).contains("127.0.0.1:" + closed, "no answer to EHLO", "mail to remote domains is deferred");
        }
    }

    @Nested
    class StoreAndMasterKey {
        @TempDir
        Path home;

        @Test
        void theStoreAnswersOrTheCauseSaysWhy() {
            try (PostbridgeBackend backend = PostbridgeBackend.start(PostbridgeSettings.from(Map.of(), home), Map.of(), Clock.systemUTC(),
                PostbridgeBackend.noMicrosoft())) {
                assertThat(new StoreHealth(backend.database().dataSource(), "h2", Duration.ofSeconds(5), Clock.systemUTC()).check())
                    .isEqualTo(HealthReport.healthy());
            }
            DataSource down = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    throw new SQLException("Connection to 127.0.0.1:5999 refused");
                });
            HealthReport report = new StoreHealth(down, "jdbc:postgresql://127.0.0.1:5999/pb", Duration.ofSeconds(5), Clock.systemUTC())
                .check();
            assertThat(report.status()).isEqualTo(HealthReport.Status.UNHEALTHY);
            assertThat(report.cause().orElseThrow()).contains("jdbc:postgresql://127.0.0.1:5999/pb", "refused", "store.jdbc.url");
        }

        @Test
        void aStoreThatHangsIsUnhealthyAfterTheTimeout() {
            DataSource hangs = (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    Thread.sleep(60_000);
                    return null;
                });
            HealthReport report = new StoreHealth(hangs, "pg", Duration.ofMillis(300), Clock.systemUTC()).check();
            assertThat(report.status()).isEqualTo(HealthReport.Status.UNHEALTHY);
            assertThat(report.cause().orElseThrow()).contains("has not answered");
        }

        @Test
        void theCanaryDecryptsUntilItsCiphertextNoLongerMatches() {
            try (PostbridgeBackend backend = PostbridgeBackend.start(PostbridgeSettings.from(Map.of(), home), Map.of(), Clock.systemUTC(),
                PostbridgeBackend.noMicrosoft())) {
                MasterKeyHealth health = new MasterKeyHealth(backend.secretVault(), "conf/postbridge-master.key");
                assertThat(health.check()).isEqualTo(HealthReport.healthy());
                assertThat(health.check()).isEqualTo(HealthReport.healthy());

                // another secret's ciphertext in the canary's row: sealed for another row, it must not decrypt there
                backend.secretVault().put("other", "x", Optional.empty(), "something");
                Jdbc jdbc = new Jdbc(backend.database().dataSource());
                String foreign = jdbc.queryOne("SELECT ciphertext FROM pb_secret WHERE scope = 'other'", row -> row.getString("ciphertext"))
                    .orElseThrow();
                jdbc.update("UPDATE pb_secret SET ciphertext = ? WHERE scope = ? AND name = ?", foreign, MasterKeyHealth.SCOPE,
                    MasterKeyHealth.NAME);
                HealthReport report = health.check();
                assertThat(report.status()).isEqualTo(HealthReport.Status.UNHEALTHY);
                assertThat(report.cause().orElseThrow()).contains("cannot decrypt the canary", "conf/postbridge-master.key");
            }
        }
    }

    @Test
    void worstOfSeveral() {
        assertThat(HealthReport.worst(List.of(HealthReport.healthy(), HealthReport.degraded("a"), HealthReport.degraded("b"))))
            .isEqualTo(HealthReport.degraded("a; b"));
        assertThat(HealthReport.worst(List.of(HealthReport.degraded("a"), HealthReport.unhealthy("c"))))
            .isEqualTo(HealthReport.unhealthy("c"));
    }
}
