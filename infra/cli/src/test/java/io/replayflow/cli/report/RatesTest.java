package io.replayflow.cli.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class RatesTest {

    @Test
    void trailingRateSpansTheWindowAndSmoothsBursts() {
        // A counter that jumps by 200 every 2 s (offsets committed on checkpoints), sampled every
        // s.
        double[] t = {0, 1, 2, 3, 4, 5, 6};
        double[] c = {0, 0, 200, 200, 400, 400, 600};

        double[] rate = Rates.trailing(t, c, 4);

        assertThat(rate[0]).isNaN();
        assertThat(rate[1]).isEqualTo(0.0); // (0 - 0) / 1
        assertThat(rate[2]).isEqualTo(100.0); // (200 - 0) / 2
        assertThat(rate[4]).isEqualTo(100.0); // (400 - 0) / 4
        assertThat(rate[5]).isEqualTo(100.0); // (400 - 0) / 4, from t=1
        assertThat(rate[6]).isCloseTo(100.0, within(1e-9)); // (600 - 200) / 4, from t=2
    }

    @Test
    void aWindowShorterThanTheGapUsesThePreviousSample() {
        double[] rate = Rates.trailing(new double[] {0, 10, 20}, new double[] {0, 50, 150}, 1);
        assertThat(rate).containsExactly(Double.NaN, 5.0, 10.0);
    }

    @Test
    void unknownCountersGiveNaNAndMismatchedInputIsRefused() {
        double[] rate = Rates.trailing(new double[] {0, 1, 2}, new double[] {-1, 10, 20}, 1);
        assertThat(rate[1]).isNaN();
        assertThat(rate[2]).isEqualTo(10.0);
        assertThatThrownBy(() -> Rates.trailing(new double[2], new double[3], 1))
                .hasMessage("2 times but 3 counter values");
    }
}
