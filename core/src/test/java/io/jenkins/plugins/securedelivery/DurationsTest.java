package io.jenkins.plugins.securedelivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void readsANumberWithOneUnitAsUsersWriteThem() {
        assertThat(Durations.parse("500ms")).contains(Duration.ofMillis(500));
        assertThat(Durations.parse("30s")).contains(Duration.ofSeconds(30));
        assertThat(Durations.parse(" 5 m ")).contains(Duration.ofMinutes(5));
        assertThat(Durations.parse("2H")).contains(Duration.ofHours(2));
        assertThat(Durations.parse("7d")).contains(Duration.ofDays(7));
        assertThat(Durations.parse("2w")).contains(Duration.ofDays(14));
    }

    @Test
    void readsIso8601() {
        assertThat(Durations.parse("PT30S")).contains(Duration.ofSeconds(30));
        assertThat(Durations.parse("p1d")).contains(Duration.ofDays(1));
    }

    @Test
    void writesALengthInTheLargestWholeUnitSoParseReadsItBack() {
        assertThat(Durations.text(Duration.ofMinutes(5))).isEqualTo("5m");
        assertThat(Durations.text(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(Durations.text(Duration.ofHours(1))).isEqualTo("1h");
        assertThat(Durations.text(Duration.ofDays(14))).isEqualTo("2w");
        assertThat(Durations.text(Duration.ofMillis(1500))).isEqualTo("1500ms");
        for (String text : new String[] {"5m", "90s", "1h", "3d", "2w", "250ms"}) {
            assertThat(Durations.text(Durations.parse(text).orElseThrow())).isEqualTo(text);
        }
    }

    @Test
    void anythingElseIsNotALengthSoTheCallerCanSaySo() {
        assertThat(Durations.parse("0s")).isEmpty();
        assertThat(Durations.parse("PT-5S")).isEmpty();
        assertThat(Durations.parse("ten minutes")).isEmpty();
        assertThat(Durations.parse("5")).isEmpty();
        assertThat(Durations.parse("99999999999999d")).isEmpty();
        assertThat(Durations.parse(null)).isEmpty();
    }
}
