package io.postbridge.core.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.postbridge.core.dkim.rotation.DkimRotationSettings;

/** The managed DKIM keys' schedule in postbridge.properties ({@code dkim.*}). */
class PostbridgeDkimSettingsTest {
    private static final Path HOME = Path.of("/opt/postbridge");

    @Test
    void withoutSettingsTheScheduleIsTheDocumentedDefault() {
        DkimRotationSettings rotation = PostbridgeSettings.defaults(HOME).dkimRotation();

        assertThat(rotation.activationDelay()).isEqualTo(Duration.ofHours(48));
        assertThat(rotation.retiredDnsKeep()).isEqualTo(Duration.ofDays(7));
        assertThat(rotation.dnsRecheck()).isEqualTo(Duration.ofMinutes(10));
        assertThat(rotation.cacheTtl()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void everyDurationFormOfTheOtherSettingsIsAccepted() {
        DkimRotationSettings rotation = PostbridgeSettings.from(Map.of(
            "dkim.rotation.activationDelay", "3 days",
            "dkim.rotation.retiredDnsKeep", "PT720H",
            "dkim.rotation.dnsRecheck", "90s",
            "dkim.keys.cacheTime", "0"), HOME).dkimRotation();

        assertThat(rotation.activationDelay()).isEqualTo(Duration.ofDays(3));
        assertThat(rotation.retiredDnsKeep()).isEqualTo(Duration.ofDays(30));
        assertThat(rotation.dnsRecheck()).isEqualTo(Duration.ofSeconds(90));
        assertThat(rotation.cacheTtl()).isZero();
    }

    @Test
    void badValuesStopTheStartWithOneLineNamingTheSetting() {
        assertProblem(Map.of("dkim.rotation.activationDelay", "soon"),
            "postbridge.properties: setting dkim.rotation.activationDelay: must be a duration like 30s, 15m, 2h, 1d or '2 days' (see docs/configuration.md#durations), was 'soon'");
        assertProblem(Map.of("dkim.rotation.retiredDnsKeep", "PT-5H"),
            "postbridge.properties: setting dkim.rotation.retiredDnsKeep:");
        assertProblem(Map.of("dkim.rotation.dnsRecheck", "0"),
            "postbridge.properties: setting dkim.rotation.dnsRecheck: must be at least 1s, was '0'");
        assertProblem(Map.of("dkim.rotation.activationdelay", "1h"),
            "postbridge.properties: setting dkim.rotation.activationdelay: unknown setting");
    }

    private static void assertProblem(Map<String, String> values, String message) {
        assertThatThrownBy(() -> PostbridgeSettings.from(values, HOME)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining(message).satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}
