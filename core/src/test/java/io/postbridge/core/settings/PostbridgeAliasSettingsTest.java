package io.postbridge.core.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** How long a node reuses the run-time aliases it read from the store ({@code aliases.cacheTime}). */
class PostbridgeAliasSettingsTest {
    private static final Path HOME = Path.of("/opt/postbridge");

    @Test
    void defaultIsFiveSeconds() {
        assertThat(PostbridgeSettings.defaults(HOME).aliasesCacheTime()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void operatorChoosesIt() {
        assertThat(PostbridgeSettings.from(Map.of("aliases.cacheTime", "1m"), HOME).aliasesCacheTime())
            .isEqualTo(Duration.ofMinutes(1));
        assertThat(PostbridgeSettings.from(Map.of("aliases.cacheTime", "0"), HOME).aliasesCacheTime()).isZero();
    }

    @Test
    void aBadValueNamesTheSetting() {
        assertThatThrownBy(() -> PostbridgeSettings.from(Map.of("aliases.cacheTime", "often"), HOME))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("postbridge.properties: setting aliases.cacheTime: must be a duration like 30s");
    }
}
