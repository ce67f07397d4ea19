package io.postbridge.core.delivery.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.postbridge.core.delivery.DeliveryOutcome;
import io.postbridge.core.delivery.OutgoingMail;
import io.postbridge.core.fakes.FakeProviders;
import io.postbridge.core.fakes.FakeUpstream;
import io.postbridge.core.oauth.AccessToken;
import io.postbridge.core.oauth.GoogleRefreshTokenSource;
import io.postbridge.core.oauth.TokenSource;
import io.postbridge.core.testing.MutableClock;

/**
 * XOAUTH2 upstreams (Google Workspace / Microsoft 365 SMTP with OAuth): the fake upstream takes only bearer tokens
 * the fake token endpoint issued for that user. A pooled connection authenticates once with a token and is retired
 * before the token expires (SMTP allows one AUTH per session); the next message connects with a fresh token.
 */
class SmtpOAuthUpstreamTest {
    private final MutableClock clock = new MutableClock(Instant.now());
    private final FakeProviders google = FakeProviders.start();
    private FakeUpstream upstream;
    private SmtpConnectionPool pool;

    @AfterEach
    void close() throws Exception {
        if (pool != null) {
            pool.close();
        }
        if (upstream != null) {
            upstream.close();
        }
        google.close();
    }

    private SmtpRoute route(String refreshToken) {
        GoogleRefreshTokenSource google = new GoogleRefreshTokenSource(this.google.googleTokenUri(), "client-1", "client-secret",
            refreshToken, Executors.newSingleThreadExecutor(), rotated -> { });
        // the token's lifetime counted on the test's clock (the library dates it on the system clock)
        TokenSource tokens = () -> google.fetch().thenApply(t -> new AccessToken(t.value(),
            clock.instant().plus(Duration.between(Instant.now(), t.expiresAt()))));
        return SmtpRoute.upstreamOAuth("workspace", "localhost", upstream.port(), SmtpSecurity.STARTTLS, "app@workspace.test",
            new SmtpRoute.OAuth("refresh:" + refreshToken, tokens));
    }

    private static OutgoingMail mail(int n) {
        return new OutgoingMail("m" + n, Optional.of("app@workspace.test"), List.of("bob@remote.test"),
            ("From: app@workspace.test\r\nSubject: " + n + "\r\nMessage-ID: <oauth-" + n + "@test>\r\n\r\nhello\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void oneTokenOneConnectionUntilTheTokenIsAboutToExpireThenAFreshTokenOnANewConnection() throws Exception {
        google.googleClient("client-1", "client-secret").googleUser("refresh-1", "app@workspace.test").tokenLifetime(600);
        upstream = FakeUpstream.withStartTls().bearerTokens((user, token) -> google.googleTokenUser(token).map(user::equals).orElse(false));
        pool = new SmtpConnectionPool(SmtpPoolSettings.defaults().verifiedTls(FakeUpstream.clientTrust()).maxIdle(Duration.ofHours(1))
            .maxLifetime(Duration.ofHours(1)).reauthMargin(Duration.ofMinutes(1)), clock);
        SmtpSender sender = new SmtpSender(pool);
        SmtpRoute route = route("refresh-1");

        for (int i = 0; i < 5; i++) {
            assertThat(sender.deliver(List.of(route), mail(i)).byRecipient().get("bob@remote.test").kind()).isEqualTo(DeliveryOutcome.Kind.DELIVERED);
        }
        assertThat(upstream.accepts()).isEqualTo(1);
        assertThat(upstream.authSuccesses("app@workspace.test")).isEqualTo(1);
        assertThat(google.googleTokenRequests()).isEqualTo(1);

        clock.advance(Duration.ofMinutes(8)); // 2 minutes of the token left: still reused
        assertThat(sender.deliver(List.of(route), mail(5)).byRecipient().get("bob@remote.test").kind()).isEqualTo(DeliveryOutcome.Kind.DELIVERED);
        assertThat(upstream.accepts()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(61)); // within the margin: retired (QUIT), a fresh token on a new connection
        google.expireIssuedTokens(); // the old token no longer works anywhere
        assertThat(sender.deliver(List.of(route), mail(6)).byRecipient().get("bob@remote.test").kind()).isEqualTo(DeliveryOutcome.Kind.DELIVERED);
        assertThat(upstream.accepts()).isEqualTo(2);
        assertThat(upstream.authSuccesses("app@workspace.test")).isEqualTo(2);
        assertThat(google.googleTokenRequests()).isEqualTo(2);
        org.awaitility.Awaitility.await().untilAsserted(() -> assertThat(upstream.quits()).isEqualTo(1));
        assertThat(upstream.received()).hasSize(7);
        assertThat(pool.status()).singleElement().satisfies(p -> assertThat(p.destination()).contains("(XOAUTH2)"));
    }

    @Test
    void aRevokedRefreshTokenNeedsANewConsentAndNamesTheTokenProblem() throws Exception {
        google.googleClient("client-1", "client-secret");
        upstream = FakeUpstream.withStartTls().bearerTokens((user, token) -> google.googleTokenUser(token).map(user::equals).orElse(false));
        pool = new SmtpConnectionPool(SmtpPoolSettings.defaults().verifiedTls(FakeUpstream.clientTrust()), clock);
        DeliveryOutcome outcome = new SmtpSender(pool).deliver(List.of(route("revoked")), mail(1)).byRecipient().get("bob@remote.test");
        // invalid_grant: asking again cannot help until the user consents again, as on the API path
        assertThat(outcome.kind()).isEqualTo(DeliveryOutcome.Kind.PERMANENT);
        assertThat(outcome.isReconsentNeeded()).isTrue();
        assertThat(outcome.status()).isEqualTo("5.7.0");
        assertThat(outcome.detail()).contains("no access token").contains("invalid_grant").doesNotContain("client-secret");
        assertThat(upstream.received()).isEmpty();
        assertThat(upstream.accepts()).isZero();
    }
}
