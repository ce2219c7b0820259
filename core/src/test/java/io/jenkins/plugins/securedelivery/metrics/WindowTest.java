package io.jenkins.plugins.securedelivery.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WindowTest {

    static final Instant NOW = Instant.parse("2026-11-24T01:00:00Z");

    @Test
    void readsSinceAsALengthBackFromNow() {
        assertThat(Window.since("90d", NOW)).isEqualTo(new Window(NOW.minus(Duration.ofDays(90)), NOW));
        assertThat(Window.since("12h", NOW).length()).isEqualTo(Duration.ofHours(12));
        assertThat(Window.since("4w", NOW).days()).isEqualTo(28.0);
        assertThat(Window.since("P2D", NOW).length()).isEqualTo(Duration.ofDays(2));
    }

    @Test
    void readsSinceAsAStartDateOrInstant() {
        assertThat(Window.since("2026-11-01", NOW).from()).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
        assertThat(Window.since("2026-11-20T12:00:00Z", NOW).length()).isEqualTo(Duration.ofHours(85));
    }

    @Test
    void refusesWhatIsNeitherALengthNorADateInThePast() {
        assertThatThrownBy(() -> Window.since("ninety days", NOW)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'ninety days'").hasMessageContaining("90d");
        assertThatThrownBy(() -> Window.since("2027-01-01", NOW)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("in the past");
    }
}
