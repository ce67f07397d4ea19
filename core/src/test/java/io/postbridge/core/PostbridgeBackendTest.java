package io.postbridge.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.postbridge.core.accounts.Account;
import io.postbridge.core.secrets.MasterKey;
import io.postbridge.core.secrets.MasterKeyRing;
import io.postbridge.core.settings.PostbridgeSettings;
import io.postbridge.core.testing.PostgresTestDatabase;

/** How the backend finds (or, for the embedded default only, creates) its key material. */
class PostbridgeBackendTest {
    @TempDir
    Path home;

    private PostbridgeBackend start(Map<String, String> settings, Map<String, String> environment) {
        return PostbridgeBackend.start(PostbridgeSettings.from(settings, home), environment, Clock.systemUTC(), PostbridgeBackend.noMicrosoft());
    }

    @Test
    void aLostMasterKeyFileIsReportedInsteadOfSilentlyReplaced() throws Exception {
        try (PostbridgeBackend backend = start(Map.of(), Map.of())) {
            Account erp = backend.accounts().create("erp", java.time.Instant.now());
            backend.secretVault().put("account/" + erp.id() + "/provider", "clientSecret", Optional.of(erp.id()), "s");
        }
        Files.delete(home.resolve("conf/postbridge-master.key"));

        assertThatThrownBy(() -> start(Map.of(), Map.of())).isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith("postbridge.properties: setting secrets.masterKey.file: the database holds secrets encrypted with master key(s)")
            .hasMessageContaining("was lost or moved");
    }

    @Test
    void theEnvironmentVariableWinsOverTheFile() {
        MasterKeyRing ring = new MasterKeyRing(List.of(MasterKey.generate()));
        try (PostbridgeBackend backend = start(Map.of(), Map.of("POSTBRIDGE_MASTER_KEYS", ring.serialize().trim()))) {
            assertThat(backend.masterKeys().current().id()).isEqualTo(ring.current().id());
            assertThat(backend.masterKeys().source().describe()).isEqualTo("environment variable POSTBRIDGE_MASTER_KEYS");
            assertThat(home.resolve("conf/postbridge-master.key")).doesNotExist();
        }
    }

    @Test
    void withPostgresqlNothingIsGeneratedAndTheMissingKeyIsNamed() {
        try (PostgresTestDatabase database = PostgresTestDatabase.createOrSkip()) {
            Map<String, String> settings = Map.of(
                PostbridgeSettings.STORE_URL, PostgresTestDatabase.URL, PostbridgeSettings.STORE_USER, PostgresTestDatabase.USER,
                PostbridgeSettings.STORE_PASSWORD, PostgresTestDatabase.PASSWORD, PostbridgeSettings.STORE_SCHEMA, database.schema());
            assertThatThrownBy(() -> start(settings, Map.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("postbridge.properties: setting apiKeys.pepper.file: no API key pepper")
                .hasMessageContaining("every node needs the same pepper");
            assertThat(home.resolve("conf")).doesNotExist();
        }
    }
}
