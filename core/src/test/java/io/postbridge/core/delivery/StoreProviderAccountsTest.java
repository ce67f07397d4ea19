package io.postbridge.core.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.postbridge.core.PostbridgeBackend;
import io.postbridge.core.accounts.Account;
import io.postbridge.core.accounts.ProviderSettings;
import io.postbridge.core.fakes.FakeProviders;
import io.postbridge.core.fakes.TestMessages;
import io.postbridge.core.secrets.SecretVault;
import io.postbridge.core.settings.PostbridgeSettings;
import io.postbridge.core.testing.MutableClock;

/** Accounts configured in the store (H2) deliver through the fake providers; rotated refresh tokens are stored. */
class StoreProviderAccountsTest {
    @TempDir
    Path home;

    private PostbridgeBackend backend;
    private StoreProviderAccounts accounts;

    @BeforeEach
    void setUp() {
        backend = PostbridgeBackend.start(PostbridgeSettings.from(Map.of(), home), Map.of(), Clock.systemUTC(),
            PostbridgeBackend.noMicrosoft());
        accounts = new StoreProviderAccounts(backend.accounts(), backend.providerSettings(), backend.secretVault(), Optional.empty());
    }

    @AfterEach
    void tearDown() {
        backend.close();
    }

    private Account account(String name, ProviderSettings.Provider provider, Map<String, String> settings, Map<String, String> secrets) {
        Account account = backend.accounts().create(name, Instant.now());
        backend.providerSettings().put(account.id(), new ProviderSettings(provider, settings));
        secrets.forEach((key, value) -> backend.secretVault().put(SecretVault.accountScope(account.id(), "provider"), key,
            Optional.of(account.id()), value));
        return account;
    }

    @Test
    void storedSettingsAndSecretsBecomeProviderAccounts() {
        account("erp", ProviderSettings.Provider.GMAIL, Map.of("clientId", "gc"), Map.of("clientSecret", "gs", "refreshToken", "rt"));
        account("billing", ProviderSettings.Provider.GRAPH, Map.of("tenantId", "t", "clientId", "mc", "mailbox", "billing@contoso.test"),
            Map.of("clientSecret", "ms"));
        account("owner", ProviderSettings.Provider.GRAPH, Map.of("tenantId", "t", "clientId", "mc", "mailbox", "owner@contoso.test"),
            Map.of("clientSecret", "ms", "refreshToken", "rt-owner"));
        account("printer", ProviderSettings.Provider.SMTP, Map.of("host", "smtp.example.com"), Map.of());

        assertThat(accounts.forAccount("erp").orElseThrow().kind()).isEqualTo(ProviderAccount.Kind.GMAIL);
        assertThat(accounts.forAccount("erp").orElseThrow().refreshToken()).contains("rt");
        assertThat(accounts.forAccount("billing").orElseThrow().kind()).isEqualTo(ProviderAccount.Kind.GRAPH_APP);
        assertThat(accounts.forAccount("billing").orElseThrow().mailbox()).contains("billing@contoso.test");
        assertThat(accounts.forAccount("owner").orElseThrow().kind()).isEqualTo(ProviderAccount.Kind.GRAPH_DELEGATED);
        assertThat(accounts.providerOf("printer", Optional.empty())).contains(DeliveryProvider.SMTP);
        assertThat(accounts.forAccount("nobody")).isEmpty();
    }

    @Test
    void incompleteSettingsSayWhatIsMissing() {
        account("half", ProviderSettings.Provider.GMAIL, Map.of("clientId", "gc"), Map.of("clientSecret", "gs"));
        assertThat(accounts.providerOf("half", Optional.empty())).contains(DeliveryProvider.GMAIL);
        assertThatThrownBy(() -> accounts.forAccount("half")).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("secrets.refreshToken is missing");
    }

    @Test
    void aDisabledAccountDoesNotDeliver() {
        Account account = account("off", ProviderSettings.Provider.GMAIL, Map.of("clientId", "gc"),
            Map.of("clientSecret", "gs", "refreshToken", "rt"));
        backend.accounts().update(account.withEnabled(false));
        assertThat(accounts.forAccount("off")).isEmpty();
    }

    @Test
    void aStoredGraphDelegatedAccountDeliversAndItsRotatedRefreshTokenIsStored() throws Exception {
        Account owner = account("owner", ProviderSettings.Provider.GRAPH,
            Map.of("tenantId", "t", "clientId", "mc", "mailbox", "owner@contoso.test"), Map.of("clientSecret", "ms", "refreshToken", "rt-1"));
        try (FakeProviders fake = FakeProviders.start().microsoftApp("t", "mc", "ms").microsoftUser("rt-1", "owner@contoso.test");
             ApiSender sender = new ApiSender(accounts, ProviderTestSupport.endpoints(fake), 8, 4, Clock.systemUTC())) {
            byte[] message = TestMessages.simple("owner@contoso.test", "bob@remote.test", "s", "store-1@test").getBytes(StandardCharsets.UTF_8);
            DeliveryOutcome outcome = sender.deliver(accounts.forAccount("owner").orElseThrow(), new OutgoingMail("m",
                Optional.of("owner@contoso.test"), List.of("bob@remote.test"), message)).get();
            assertThat(outcome.kind()).as(outcome.toString()).isEqualTo(DeliveryOutcome.Kind.DELIVERED);
            assertThat(backend.secretVault().get(SecretVault.accountScope(owner.id(), "provider"), "refreshToken"))
                .hasValueSatisfying(rt -> assertThat(rt).isNotEqualTo("rt-1").startsWith("rt-"));

            // the next messages read the rotated refresh token from the store, and still use the cached access token
            for (int i = 2; i <= 4; i++) {
                byte[] next = TestMessages.simple("owner@contoso.test", "bob@remote.test", "s", "store-" + i + "@test")
                    .getBytes(StandardCharsets.UTF_8);
                assertThat(sender.deliver(accounts.forAccount("owner").orElseThrow(), new OutgoingMail("m" + i,
                    Optional.of("owner@contoso.test"), List.of("bob@remote.test"), next)).get().kind()).isEqualTo(DeliveryOutcome.Kind.DELIVERED);
            }
            assertThat(fake.microsoftTokenRequests()).as("one token request per token lifetime, not one per rotation").isEqualTo(1);
        }
    }

    @Test
    void aSecondRefreshOfAStoredDelegatedAccountPresentsTheRotatedRefreshToken() throws Exception {
        Account owner = account("owner2", ProviderSettings.Provider.GRAPH,
            Map.of("tenantId", "t", "clientId", "mc", "mailbox", "owner@contoso.test"), Map.of("clientSecret", "ms", "refreshToken", "rt-a"));
        MutableClock clock = new MutableClock(Instant.now());
        try (FakeProviders fake = FakeProviders.start().microsoftApp("t", "mc", "ms").microsoftUser("rt-a", "owner@contoso.test");
             ApiSender sender = new ApiSender(accounts, ProviderTestSupport.endpoints(fake), 8, 4, clock)) {
            for (int i = 1; i <= 2; i++) {
                byte[] message = TestMessages.simple("owner@contoso.test", "bob@remote.test", "s", "refresh-" + i + "@test")
                    .getBytes(StandardCharsets.UTF_8);
                DeliveryOutcome outcome = sender.deliver(accounts.forAccount("owner2").orElseThrow(), new OutgoingMail("r" + i,
                    Optional.of("owner@contoso.test"), List.of("bob@remote.test"), message)).get();
                assertThat(outcome.kind()).as(outcome + ", refresh tokens presented: " + fake.presentedMicrosoftRefreshTokens())
                    .isEqualTo(DeliveryOutcome.Kind.DELIVERED);
                // the access token's lifetime passes between the two messages: the second needs a new one
                fake.expireIssuedTokens();
                clock.advance(Duration.ofMinutes(90));
            }
            assertThat(fake.presentedMicrosoftRefreshTokens()).hasSize(2).startsWith("rt-a");
            assertThat(fake.presentedMicrosoftRefreshTokens().get(1)).isNotEqualTo("rt-a");
            assertThat(backend.secretVault().get(SecretVault.accountScope(owner.id(), "provider"), "refreshToken"))
                .hasValueSatisfying(rt -> assertThat(rt).isNotIn(fake.presentedMicrosoftRefreshTokens()));
            assertThat(fake.graphUnauthorizedAnswers()).isZero();
        }
    }
}
