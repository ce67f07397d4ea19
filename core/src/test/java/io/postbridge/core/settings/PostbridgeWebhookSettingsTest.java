package io.postbridge.core.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.postbridge.core.accounts.IpRange;
import io.postbridge.core.webhooks.WebhookSettings;

/** The {@code webhooks.*} settings: defaults as documented, operator values, and errors naming the setting. */
class PostbridgeWebhookSettingsTest {
    private static final Path HOME = Path.of("/opt/postbridge");

    @Test
    void defaultsAreTheDocumentedOnes() {
        WebhookSettings webhooks = PostbridgeSettings.defaults(HOME).webhooks();
        assertThat(webhooks.dispatch()).isTrue();
        assertThat(webhooks.timeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(webhooks.firstRetryDelay()).isEqualTo(Duration.ofSeconds(10));
        assertThat(webhooks.maxRetryDelay()).isEqualTo(Duration.ofDays(1));
        assertThat(webhooks.attempts()).isEqualTo(10);
        assertThat(webhooks.pollInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(webhooks.allowedTargets()).as("no internal target unless the operator says so").isEmpty();
    }

    @Test
    void operatorChoosesThem() {
        WebhookSettings webhooks = PostbridgeSettings.from(Map.of("webhooks.dispatch", "false", "webhooks.timeout", "30s",
            "webhooks.retry.firstDelay", "5s", "webhooks.retry.maxDelay", "12h", "webhooks.retry.attempts", "12",
            "webhooks.allowedTargets", "10.20.0.0/16, 127.0.0.1"), HOME).webhooks();
        assertThat(webhooks.dispatch()).isFalse();
        assertThat(webhooks.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(webhooks.maxRetryDelay()).isEqualTo(Duration.ofHours(12));
        assertThat(webhooks.attempts()).isEqualTo(12);
        assertThat(webhooks.allowedTargets()).containsExactly(IpRange.parse("10.20.0.0/16"), IpRange.parse("127.0.0.1/32"));
    }

    @Test
    void badValuesNameTheSetting() {
        assertThatThrownBy(() -> PostbridgeSettings.from(Map.of("webhooks.allowedTargets", "10.0.0.0/8,intranet"), HOME))
            .hasMessageContaining("postbridge.properties: setting webhooks.allowedTargets:").hasMessageContaining("intranet");
        assertThatThrownBy(() -> PostbridgeSettings.from(Map.of("webhooks.retry.attempts", "0"), HOME))
            .hasMessageContaining("setting webhooks.retry.attempts: must be a whole number from 1 to 50");
        assertThatThrownBy(() -> PostbridgeSettings.from(Map.of("webhooks.retry.firstDelay", "1h", "webhooks.retry.maxDelay", "10m"), HOME))
            .hasMessageContaining("setting webhooks.retry.maxDelay: must not be shorter than webhooks.retry.firstDelay");
        assertThatThrownBy(() -> PostbridgeSettings.from(Map.of("webhooks.timeout", "soon"), HOME))
            .hasMessageContaining("setting webhooks.timeout: must be a duration");
    }
}
