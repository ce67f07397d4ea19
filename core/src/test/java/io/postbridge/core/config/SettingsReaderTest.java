package io.postbridge.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

class SettingsReaderTest {
    private static final SettingsReader MAILET = SettingsReader.of("mailetcontainer.xml", key -> "mailet X <" + key + ">",
        key -> Optional.ofNullable(Map.of("flag", "Yes", "off", "no", "wait", "2 days", "blank", "  ", "n", "12", "url", "http://h/x",
            "mode", "Reject", "e", "database").get(key)));

    private enum Store { MEMORY, DATABASE }

    @Test
    void readsEachKindOfValue() {
        assertThat(MAILET.bool("flag", false)).isTrue();
        assertThat(MAILET.bool("off", true)).isFalse();
        assertThat(MAILET.bool("absent", true)).isTrue();
        assertThat(MAILET.duration("wait", Duration.ZERO)).contains(Duration.ofDays(2));
        assertThat(MAILET.string("blank")).isEmpty();
        assertThat(MAILET.integer("n", 1, 1, 20)).isEqualTo(12);
        assertThat(MAILET.uri("url", Set.of("http", "https"))).contains(URI.create("http://h/x"));
        assertThat(MAILET.choice("mode", v -> v.equalsIgnoreCase("reject") ? Optional.of("R") : Optional.empty(), "reject"))
            .contains("R");
        assertThat(MAILET.enumValue("e", Store.class)).contains(Store.DATABASE);
    }

    @Test
    void everyProblemIsOneLineNamingTheFileAndTheSetting() {
        assertProblem(() -> MAILET.integer("n", 1, 1, 10), "mailetcontainer.xml: setting mailet X <n>: must be a whole number from 1 to 10, was '12'");
        assertProblem(() -> MAILET.bool("wait", false), "mailet X <wait>: must be true or false (or yes or no), was '2 days'");
        assertProblem(() -> MAILET.duration("flag", Duration.ZERO), "mailet X <flag>: must be a duration like 30s");
        assertProblem(() -> MAILET.duration("wait", Duration.ofDays(3)), "mailet X <wait>: must be at least 3d, was '2 days'");
        assertProblem(() -> MAILET.uri("url", Set.of("https")), "mailet X <url>: must be an https:// URL");
        assertProblem(() -> MAILET.enumValue("mode", Store.class), "mailet X <mode>: must be one of memory, database, was 'Reject'");
        assertProblem(() -> MAILET.parsed("flag", v -> { throw new IllegalArgumentException("no flags here"); }), "<flag>: no flags here");
        assertProblem(() -> MAILET.requireKnown(List.of("wiat"), List.of("wait", "flag")), "<wiat>: unknown setting; did you mean 'wait'?");
    }

    @Test
    void theNearestKnownNameIsOnlyOfferedForWhatLooksLikeATypo() {
        assertThat(SettingsReader.nearest("events.retension", List.of("events.retention", "aliases.cacheTime"))).contains("events.retention");
        assertThat(SettingsReader.nearest("completely.different.thing", List.of("events.retention"))).isEmpty();
    }

    private static void assertProblem(Runnable read, String message) {
        assertThatThrownBy(read::run).isInstanceOf(SettingProblem.Invalid.class).hasMessageContaining(message)
            .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}
