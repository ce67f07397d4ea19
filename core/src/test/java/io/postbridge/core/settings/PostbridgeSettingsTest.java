package io.postbridge.core.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.postbridge.core.store.StoreSettings;

class PostbridgeSettingsTest {
    private static final Path HOME = Path.of("/opt/postbridge");

    @Test
    void defaultsAreTheEmbeddedStoreUnderVarAndKeyFilesUnderConf() {
        PostbridgeSettings settings = PostbridgeSettings.defaults(HOME);
        assertThat(settings.store().jdbcUrl()).isEqualTo("jdbc:h2:file:/opt/postbridge/var/postbridge/postbridge");
        assertThat(settings.masterKeyFile()).isEqualTo(Path.of("/opt/postbridge/conf/postbridge-master.key"));
        assertThat(settings.pepperFile()).isEqualTo(Path.of("/opt/postbridge/conf/postbridge-api-key.pepper"));
        assertThat(settings.rateLimitStore()).isEqualTo(PostbridgeSettings.RateLimitStore.MEMORY);
        assertThat(settings.rateLimitPolicy().defaultMessagesPerMinute()).isEqualTo(60);
        assertThat(settings.authLockout()).isEqualTo(Duration.ofMinutes(15));
        assertThat(settings.microsoftAuthority().toString()).isEqualTo("https://login.microsoftonline.com/");
    }

    @Test
    void postgresqlCountsRateLimitsInTheSharedDatabaseByDefault() {
        PostbridgeSettings settings = PostbridgeSettings.from(Map.of("store.jdbc.url", "jdbc:postgresql://db:5432/pb",
            "auth.failures.window", "2h", "rateLimit.messagesPerMinute", "5"), HOME);
        assertThat(settings.store().dialect()).isEqualTo(StoreSettings.Dialect.POSTGRESQL);
        assertThat(settings.rateLimitStore()).isEqualTo(PostbridgeSettings.RateLimitStore.DATABASE);
        assertThat(settings.authFailureWindow()).isEqualTo(Duration.ofHours(2));
        assertThat(settings.rateLimitPolicy().defaultMessagesPerMinute()).isEqualTo(5);
    }

    @Test
    void badValuesStopTheStartWithOneLineNamingTheSetting() {
        assertProblem(Map.of("store.jdbc.utl", "x"),
            "postbridge.properties: setting store.jdbc.utl: unknown setting; did you mean 'store.jdbc.url'?");
        assertProblem(Map.of("store.jdbc.url", "jdbc:mysql://db/pb"), "postbridge.properties: setting store.jdbc.url: unsupported JDBC URL");
        assertProblem(Map.of("rateLimit.messagesPerMinute", "lots"), "setting rateLimit.messagesPerMinute: must be a whole number from 1 to");
        assertProblem(Map.of("rateLimit.store", "redis"), "setting rateLimit.store: must be one of 'memory' (one node), 'database' (shared by several nodes), was 'redis'");
        assertProblem(Map.of("auth.failures.lockout", "a while"), "setting auth.failures.lockout: must be a duration like 30s");
        assertProblem(Map.of("microsoft.authority", "http://login.example"), "setting microsoft.authority: must be an https:// URL");
        assertProblem(Map.of("microsoft.passThrough.enabled", "maybe"), "setting microsoft.passThrough.enabled: must be true or false");
    }

    @Test
    void mailEventsAreKeptThirtyDaysUnlessConfiguredAndNeverLessThanAnHour() {
        assertThat(PostbridgeSettings.defaults(HOME).eventsRetention()).isEqualTo(Duration.ofDays(30));
        assertThat(PostbridgeSettings.from(Map.of("events.retention", "7d"), HOME).eventsRetention()).isEqualTo(Duration.ofDays(7));
        assertProblem(Map.of("events.retention", "30"), "setting events.retention: must be at least 1h (a bare number means seconds)");
        assertProblem(Map.of("events.retention", "a month"), "setting events.retention: must be a duration like 30s");
    }

    @Test
    void durationsAndBooleansAreWrittenAsInEveryOtherSetting() {
        PostbridgeSettings settings = PostbridgeSettings.from(Map.of("events.retention", "30 days", "auth.failures.lockout", "2 Minutes",
            "dkim.rotation.retiredDnsKeep", "1 week", "aliases.cacheTime", "PT10S", "microsoft.passThrough.enabled", "no"), HOME);
        assertThat(settings.eventsRetention()).isEqualTo(Duration.ofDays(30));
        assertThat(settings.authLockout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(settings.dkimRotation().retiredDnsKeep()).isEqualTo(Duration.ofDays(7));
        assertThat(settings.aliasesCacheTime()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.microsoftEnabled()).isFalse();
        assertThat(PostbridgeSettings.from(Map.of("microsoft.passThrough.enabled", "YES"), HOME).microsoftEnabled()).isTrue();
    }

    @Test
    void anUnknownKeyNamesTheNearestKnownOneOnOneLine() {
        assertProblem(Map.of("events.retension", "30d"),
            "postbridge.properties: setting events.retension: unknown setting; did you mean 'events.retention'?");
        assertProblem(Map.of("ratelimit.messagesperminute", "5"), "did you mean 'rateLimit.messagesPerMinute'?");
    }

    private static void assertProblem(Map<String, String> values, String message) {
        assertThatThrownBy(() -> PostbridgeSettings.from(values, HOME)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining(message).satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}
