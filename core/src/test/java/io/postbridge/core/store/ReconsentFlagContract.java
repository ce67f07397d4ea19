package io.postbridge.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.postbridge.core.accounts.Account;
import io.postbridge.core.accounts.ProviderSettings;
import io.postbridge.core.accounts.ReconsentFlag;
import io.postbridge.core.delivery.StoreProviderAccounts;

/**
 * The re-consent flag of an account's provider settings lives in the store: it survives a restart, every node sees
 * it, and writing the provider settings again clears it. Runs on H2 and on PostgreSQL (the subclasses).
 */
public abstract class ReconsentFlagContract extends BackendContract {
    protected ReconsentFlagContract(Store store) {
        super(store);
    }

    private Account gmailAccount(String name) {
        Account account = backend.accounts().create(name, clock.instant());
        backend.providerSettings().put(account.id(), new ProviderSettings(ProviderSettings.Provider.GMAIL, Map.of("clientId", "c")));
        return account;
    }

    @Test
    void aFlagIsStoredWithItsReasonAndTimeAndSurvivesARestart() {
        Account erp = gmailAccount("erp");
        assertThat(backend.providerSettings().reconsentFlag(erp.id())).isEmpty();

        assertThat(backend.providerSettings().flagReconsent(erp.id(), "invalid_grant: Token has been expired or revoked.")).isTrue();
        ReconsentFlag expected = new ReconsentFlag("invalid_grant: Token has been expired or revoked.", clock.instant());
        assertThat(backend.providerSettings().reconsentFlag(erp.id())).contains(expected);

        restart();
        assertThat(backend.providerSettings().reconsentFlag(erp.id())).contains(expected);
        assertThat(backend.providerSettings().get(erp.id())).as("the settings themselves are unchanged")
            .contains(new ProviderSettings(ProviderSettings.Provider.GMAIL, Map.of("clientId", "c")));
    }

    @Test
    void flaggingAgainKeepsTheFirstTimeAndTheLatestReason() {
        Account erp = gmailAccount("erp");
        Instant first = clock.instant();
        backend.providerSettings().flagReconsent(erp.id(), "first");
        clock.advance(Duration.ofHours(3));
        backend.providerSettings().flagReconsent(erp.id(), "second");
        assertThat(backend.providerSettings().reconsentFlag(erp.id())).contains(new ReconsentFlag("second", first));
    }

    @Test
    void writingTheProviderSettingsAgainClearsTheFlag() {
        Account erp = gmailAccount("erp");
        Account other = gmailAccount("other");
        backend.providerSettings().flagReconsent(erp.id(), "invalid_grant");
        backend.providerSettings().flagReconsent(other.id(), "invalid_grant");

        backend.providerSettings().put(erp.id(), new ProviderSettings(ProviderSettings.Provider.GMAIL, Map.of("clientId", "c2")));
        assertThat(backend.providerSettings().reconsentFlag(erp.id())).isEmpty();
        assertThat(backend.providerSettings().reconsentFlag(other.id())).as("only that account's").isPresent();

        assertThat(backend.providerSettings().delete(other.id())).isTrue();
        assertThat(backend.providerSettings().reconsentFlag(other.id())).isEmpty();
    }

    @Test
    void theFlaggedAccountsAreListedForTheHealthCheckUntilTheirSettingsAreWrittenAgain() {
        Account erp = gmailAccount("erp");
        Account other = gmailAccount("other");
        assertThat(backend.providerSettings().reconsentFlags()).isEmpty();
        backend.providerSettings().flagReconsent(erp.id(), "invalid_grant: revoked");
        assertThat(backend.providerSettings().reconsentFlags()).containsOnlyKeys(erp.id());
        assertThat(new io.postbridge.core.delivery.StoreProviderAccounts(backend.accounts(), backend.providerSettings(),
            backend.secretVault(), java.util.Optional.empty()).awaitingReconsent()).isEqualTo(Map.of("erp", "invalid_grant: revoked"));

        backend.providerSettings().put(erp.id(), new ProviderSettings(ProviderSettings.Provider.GMAIL, Map.of("clientId", "c2")));
        assertThat(backend.providerSettings().reconsentFlags()).isEmpty();
        assertThat(other.id()).isNotEqualTo(erp.id());
    }

    @Test
    void anAccountWithoutProviderSettingsHasNothingToFlag() {
        Account bare = backend.accounts().create("bare", clock.instant());
        assertThat(backend.providerSettings().flagReconsent(bare.id(), "invalid_grant")).isFalse();
        assertThat(backend.providerSettings().reconsentFlag(bare.id())).isEmpty();
    }

    @Test
    void aVeryLongReasonIsShortenedToFit() {
        Account erp = gmailAccount("erp");
        assertThat(backend.providerSettings().flagReconsent(erp.id(), "invalid_grant " + "x".repeat(5000))).isTrue();
        assertThat(backend.providerSettings().reconsentFlag(erp.id()).orElseThrow().reason()).startsWith("invalid_grant ")
            .endsWith("...").hasSize(1000);
    }

    @Test
    void deliveryFlagsTheStoredAccountAndANewInstanceAfterARestartStillSeesIt() {
        gmailAccount("erp");
        new StoreProviderAccounts(backend.accounts(), backend.providerSettings(), backend.secretVault(), Optional.empty())
            .reconsentNeeded("erp", "Google refused the refresh token (invalid_grant)");
        restart();
        StoreProviderAccounts afterRestart = new StoreProviderAccounts(backend.accounts(), backend.providerSettings(),
            backend.secretVault(), Optional.empty());
        assertThat(afterRestart.reconsentReason("erp")).contains("Google refused the refresh token (invalid_grant)");
        assertThat(afterRestart.reconsentReason("nobody")).isEmpty();
    }
}
