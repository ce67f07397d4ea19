package io.postbridge.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.postbridge.core.PostbridgeBackend;
import io.postbridge.core.accounts.Account;
import io.postbridge.core.accounts.SenderPattern;
import io.postbridge.core.microsoft.MicrosoftAppId;
import io.postbridge.core.microsoft.MicrosoftTokenClient;
import io.postbridge.core.settings.PostbridgeSettings;
import io.postbridge.core.testing.MutableClock;

class SmtpAuthenticatorTest {
    private static final String TENANT = "11111111-2222-3333-4444-555555555555";
    private static final String CLIENT = "66666666-7777-8888-9999-000000000000";

    @TempDir
    Path home;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T10:00:00Z"));
    private final List<String> tokenRequests = new ArrayList<>();
    private PostbridgeBackend backend;
    private SmtpAuthenticator authenticator;
    private Account erp;
    private String key;

    /** Accepts the secret "right-secret", is down for "down", rejects the rest. */
    private final MicrosoftTokenClient fakeEntra = (app, secret) -> {
        tokenRequests.add(app.asString());
        if (secret.equals("down")) {
            throw new MicrosoftTokenClient.Unavailable("connect timed out", null);
        }
        if (!secret.equals("right-secret")) {
            throw new MicrosoftTokenClient.InvalidCredentials("AADSTS7000215: Invalid client secret provided");
        }
        return "token";
    };

    @BeforeEach
    void setUp() {
        backend = PostbridgeBackend.start(PostbridgeSettings.from(Map.of("auth.failures.max", "3"), home), Map.of(), clock, (settings, tokens) -> fakeEntra);
        authenticator = backend.authenticator();
        erp = backend.accounts().create("erp", clock.instant());
        backend.senders().add(erp.id(), SenderPattern.parse("app@example.com"));
        backend.senders().add(erp.id(), SenderPattern.parse("@billing.example.com"));
        key = backend.apiKeys().issue(erp.id()).token();
    }

    @AfterEach
    void tearDown() {
        backend.close();
    }

    @Test
    void theAccountNameOrAnAllowedSenderAddressWithALiveKeySucceeds() {
        for (String username : new String[] {"erp", "ERP", "app@example.com", "invoices@billing.example.com"}) {
            AuthOutcome outcome = authenticator.authenticate(username, key, "192.0.2.1");
            assertThat(outcome.status()).as(username).isEqualTo(AuthOutcome.Status.SUCCESS);
            assertThat(outcome.principal().orElseThrow().name()).isEqualTo("erp");
            assertThat(outcome.principal().orElseThrow().kind()).isEqualTo(SmtpPrincipal.Kind.API_KEY);
        }
    }

    @Test
    void anotherAccountsNameOrAnUnrelatedAddressFails() {
        backend.accounts().create("crm", clock.instant());
        assertThat(authenticator.authenticate("crm", key, "192.0.2.1").status()).isEqualTo(AuthOutcome.Status.INVALID);
        assertThat(authenticator.authenticate("boss@other.test", key, "192.0.2.2").status()).isEqualTo(AuthOutcome.Status.INVALID);
    }

    @Test
    void aDisabledAccountIsToldSoOnlyWithAValidKey() {
        backend.accounts().update(erp.withEnabled(false));
        assertThat(authenticator.authenticate("erp", key, "192.0.2.1").status()).isEqualTo(AuthOutcome.Status.DISABLED);
        assertThat(authenticator.authenticate("erp", "pbk_aaaaaaaaaaaaaaaa_" + "B".repeat(43), "192.0.2.1").status())
            .isEqualTo(AuthOutcome.Status.INVALID);
    }

    @Test
    void afterTooManyFailuresEvenTheRightKeyIsRefused() {
        for (int i = 0; i < 3; i++) {
            assertThat(authenticator.authenticate("erp", "guess-" + i, "192.0.2.9").status()).isEqualTo(AuthOutcome.Status.INVALID);
        }
        AuthOutcome outcome = authenticator.authenticate("erp", key, "192.0.2.9");
        assertThat(outcome.status()).isEqualTo(AuthOutcome.Status.THROTTLED);
        assertThat(outcome.retryAfter()).isPresent();
    }

    @Test
    void microsoftPassThroughChecksTheSecretWithEntraAndSealsIt() {
        AuthOutcome outcome = authenticator.authenticate(TENANT + "@" + CLIENT, "right-secret", "192.0.2.1");
        assertThat(outcome.status()).isEqualTo(AuthOutcome.Status.SUCCESS);
        SmtpPrincipal principal = outcome.principal().orElseThrow();
        assertThat(principal.kind()).isEqualTo(SmtpPrincipal.Kind.MICROSOFT_APP);
        assertThat(principal.name()).isEqualTo(TENANT + "@" + CLIENT);
        String sealed = principal.microsoftApp().orElseThrow().sealedSecret();
        assertThat(sealed).startsWith("pb1:").doesNotContain("right-secret");
        assertThat(backend.microsoft().orElseThrow().unseal(principal.microsoftApp().get())).isEqualTo("right-secret");

        String compact = MicrosoftAppId.compact(UUID.fromString(TENANT)) + "@" + MicrosoftAppId.compact(UUID.fromString(CLIENT));
        assertThat(authenticator.authenticate(compact, "right-secret", "192.0.2.1").principal().orElseThrow().name())
            .isEqualTo(TENANT + "@" + CLIENT);

        assertThat(authenticator.authenticate(TENANT + "@" + CLIENT, "wrong", "192.0.2.1").status()).isEqualTo(AuthOutcome.Status.INVALID);
        assertThat(authenticator.authenticate(TENANT + "@" + CLIENT, "down", "192.0.2.1").status()).isEqualTo(AuthOutcome.Status.UNAVAILABLE);
        assertThat(tokenRequests).hasSize(4);
    }

    @Test
    void knowsWhichCredentialsAreItsOwn() {
        assertThat(authenticator.handles("anyone", key)).as("an API key").isTrue();
        assertThat(authenticator.handles("erp", "whatever")).as("an account name").isTrue();
        assertThat(authenticator.handles(TENANT + "@" + CLIENT, "secret")).as("a Microsoft app").isTrue();
        assertThat(authenticator.handles("alice@example.com", "alice-password")).as("a James user").isFalse();
    }
}
