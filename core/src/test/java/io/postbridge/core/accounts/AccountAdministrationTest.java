package io.postbridge.core.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.postbridge.core.PostbridgeBackend;
import io.postbridge.core.secrets.SecretVault;
import io.postbridge.core.settings.PostbridgeSettings;

/** The account rules WebAdmin applies, on the real store (H2 in a temporary folder). */
class AccountAdministrationTest {
    @TempDir
    Path home;

    private PostbridgeBackend backend;
    private AccountAdministration admin;

    @BeforeEach
    void start() {
        backend = PostbridgeBackend.start(PostbridgeSettings.defaults(home), Map.of(), Clock.systemUTC(), PostbridgeBackend.noMicrosoft());
        admin = backend.accountAdministration();
    }

    @AfterEach
    void stop() {
        backend.close();
    }

    @Test
    void aRefusedChangeCreatesNoAccount() {
        assertThatThrownBy(() -> admin.createOrUpdate("crm", account -> {
            throw new IllegalArgumentException("'fromOverride': not an address");
        })).hasMessageContaining("fromOverride");
        assertThat(admin.find("crm")).isEmpty();

        AccountAdministration.Saved created = admin.createOrUpdate("crm", account -> account.withEnabled(false));
        assertThat(created.created()).isTrue();
        assertThat(admin.require("crm").enabled()).isFalse();
        assertThat(admin.createOrUpdate("crm", account -> account.withEnabled(true)).created()).isFalse();
        assertThat(admin.require("crm").enabled()).isTrue();
        assertThatThrownBy(() -> admin.createOrUpdate("Not_Lower", account -> account)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("account name must be");
    }

    @Test
    void aNetworkBelongsToOneAccountAndDevicesSeeChangesAtOnce() throws Exception {
        Account printers = admin.createOrUpdate("printers", account -> account).account();
        Account scanners = admin.createOrUpdate("scanners", account -> account).account();
        IpRange office = IpRange.parse("10.1.2.0/24");
        InetAddress device = InetAddress.getByName("10.1.2.7");
        assertThat(backend.trustedNetworks().accountFor(device)).as("read once: now cached").isEmpty();

        assertThat(admin.addNetwork(printers, office)).isTrue();
        assertThat(backend.trustedNetworks().accountFor(device)).contains(printers.id());
        assertThat(admin.addNetwork(printers, office)).as("already its own").isFalse();
        assertThatThrownBy(() -> admin.addNetwork(scanners, office)).isInstanceOf(IllegalStateException.class)
            .hasMessage("the network 10.1.2.0/24 already belongs to account 'printers'");

        admin.delete("printers");
        assertThat(backend.trustedNetworks().accountFor(device)).as("a deleted account's devices are refused at once").isEmpty();
        assertThat(admin.addNetwork(scanners, office)).isTrue();
        assertThat(admin.removeNetwork(scanners, office)).isTrue();
        assertThat(backend.trustedNetworks().accountFor(device)).isEmpty();
        assertThatThrownBy(() -> admin.delete("printers")).isInstanceOf(AccountAdministration.NoSuchAccount.class);
    }

    @Test
    void changingTheProviderDeletesThePreviousProvidersSecrets() {
        Account erp = admin.createOrUpdate("erp", account -> account).account();
        Map<String, String> secrets = new HashMap<>();
        secrets.put("clientSecret", "gmail-secret");
        secrets.put("refreshToken", "gmail-refresh");
        admin.putProvider(erp, ProviderSettings.Provider.GMAIL, Map.of("clientId", "id"), secrets);
        assertThat(admin.providerSecretNames(erp)).containsExactlyInAnyOrder("clientSecret", "refreshToken");

        Map<String, String> removeOne = new HashMap<>();
        removeOne.put("refreshToken", null);
        admin.putProvider(erp, ProviderSettings.Provider.GMAIL, Map.of("clientId", "id"), removeOne);
        assertThat(admin.providerSecretNames(erp)).as("same provider: the others are kept").containsExactly("clientSecret");

        admin.putProvider(erp, ProviderSettings.Provider.GRAPH, Map.of("tenant", "t"), Map.of("clientSecret", "graph-secret"));
        assertThat(backend.secretVault().get(SecretVault.accountScope(erp.id(), AccountAdministration.PROVIDER_SECRETS), "clientSecret"))
            .contains("graph-secret");
        assertThat(admin.providerSecretNames(erp)).containsExactly("clientSecret");
        assertThat(admin.provider(erp).map(ProviderSettings::provider)).contains(ProviderSettings.Provider.GRAPH);

        assertThat(admin.deleteProvider(erp)).isTrue();
        assertThat(admin.providerSecretNames(erp)).isEmpty();
        assertThat(admin.deleteProvider(erp)).isFalse();
    }

    @Test
    void providerSettingsNeverHoldWhatLooksLikeASecret() {
        Account erp = admin.createOrUpdate("erp", account -> account).account();
        assertThatThrownBy(() -> admin.putProvider(erp, ProviderSettings.Provider.GMAIL, Map.of("clientSecret", "x"), Map.of()))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'settings.clientSecret' looks like a secret");
        assertThatThrownBy(() -> admin.putProvider(erp, ProviderSettings.Provider.GMAIL, Map.of(), Map.of("bad name", "x")))
            .hasMessageContaining("'secrets' names must be");
        assertThat(admin.provider(erp)).as("nothing stored").isEqualTo(Optional.empty());
    }
}
