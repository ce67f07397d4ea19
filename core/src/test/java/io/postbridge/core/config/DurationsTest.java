package io.postbridge.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

import org.junit.jupiter.api.Test;

class DurationsTest {
    @Test
    void everySyntaxThatEarlierVersionsAcceptedStillMeansTheSame() {
        // postbridge.properties' old short form
        assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Durations.parse("15m")).isEqualTo(Duration.ofMinutes(15));
        assertThat(Durations.parse("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(Durations.parse("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(Durations.parse("120")).isEqualTo(Duration.ofSeconds(120));
        assertThat(Durations.parse("0")).isZero();
        // the DKIM and alias settings' words and ISO-8601
        assertThat(Durations.parse("30 days")).isEqualTo(Duration.ofDays(30));
        assertThat(Durations.parse("5 min")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Durations.parse("1 hour")).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.parse("PT48H")).isEqualTo(Duration.ofHours(48));
        assertThat(Durations.parse("p7d")).isEqualTo(Duration.ofDays(7));
        // ApiDelivery's James grammar (org.apache.james.util.DurationParser)
        assertThat(Durations.parse(" 2 DAYS ")).isEqualTo(Duration.ofDays(2));
        assertThat(Durations.parse("3 weeks")).isEqualTo(Duration.ofDays(21));
        assertThat(Durations.parse("1w")).isEqualTo(Duration.ofDays(7));
        assertThat(Durations.parse("10 msecs")).isEqualTo(Duration.ofMillis(10));
        assertThat(Durations.parse("5mins")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Durations.parse("1 month")).isEqualTo(ChronoUnit.MONTHS.getDuration());
        assertThat(Durations.parse("2 years")).isEqualTo(ChronoUnit.YEARS.getDuration().multipliedBy(2));
    }

    @Test
    void anythingElseIsRefusedWithTheFormsToWrite() {
        for (String bad : new String[] {"soon", "1.5h", "-1 s", "PT-5H", "3 fortnights", "", "h"}) {
            assertThatThrownBy(() -> Durations.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + bad + "'");
        }
        assertThatThrownBy(() -> Durations.parse("99999999999999999999 days")).hasMessageContaining("too long");
    }
}
