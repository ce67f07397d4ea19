package io.postbridge.server.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

class JamesDatabaseSettingsTest {
    private static final Path HOME = Path.of("/srv/postbridge");

    @Test
    void theEmbeddedDefaultLivesUnderTheServersVarNotTheCurrentDirectory() {
        JamesDatabaseSettings settings = JamesDatabaseSettings.from(Map.of(), HOME);

        assertThat(settings.url()).isEqualTo("jdbc:derby:/srv/postbridge/var/james/derby;create=true");
        assertThat(settings.driver()).isEqualTo(JamesDatabaseSettings.DERBY_DRIVER);
        assertThat(settings.derbyShutdownUrl()).contains("jdbc:derby:/srv/postbridge/var/james/derby;shutdown=true");
    }

    @Test
    void aRelativeDerbyPathIsResolvedAgainstTheServersDirectoryAndAnAbsoluteOneKept() {
        assertThat(JamesDatabaseSettings.resolveDerbyPath("jdbc:derby:data/db", HOME)).isEqualTo("jdbc:derby:/srv/postbridge/data/db");
        assertThat(JamesDatabaseSettings.resolveDerbyPath("jdbc:derby:/data/db;create=true", HOME))
            .isEqualTo("jdbc:derby:/data/db;create=true");
        assertThat(JamesDatabaseSettings.resolveDerbyPath("jdbc:derby:memory:test;create=true", HOME))
            .isEqualTo("jdbc:derby:memory:test;create=true");
    }

    @Test
    void onePostgresqlUrlSwitchesDriverAndKeepsCredentialsAndPassThroughKeys() {
        JamesDatabaseSettings settings = JamesDatabaseSettings.from(Map.of(
            "database.url", "jdbc:postgresql://db:5432/james",
            "database.username", "james",
            "database.password", "secret",
            "datasource.MaxTotal", "16",
            "openjpa.jdbc.Schema", "mail"), HOME);

        assertThat(settings.driver()).isEqualTo("org.postgresql.Driver");
        assertThat(settings.isEmbeddedDerby()).isFalse();
        assertThat(settings.derbyShutdownUrl()).isEmpty();
        assertThat(settings.openJpaProperties())
            .containsEntry("openjpa.ConnectionURL", "jdbc:postgresql://db:5432/james")
            .containsEntry("openjpa.ConnectionDriverName", "org.postgresql.Driver")
            .containsEntry("openjpa.ConnectionUserName", "james")
            .containsEntry("openjpa.ConnectionPassword", "secret")
            .containsEntry("openjpa.ConnectionProperties", "MaxTotal=16")
            .containsEntry("openjpa.jdbc.Schema", "mail");
        assertThat(settings.location()).isEqualTo("jdbc:postgresql://db:5432/james").doesNotContain("secret");
    }
}
