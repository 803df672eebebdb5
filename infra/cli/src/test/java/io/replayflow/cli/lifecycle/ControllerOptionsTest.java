package io.replayflow.cli.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ControllerOptionsTest {

    @Test
    void defaultsAreDocumentedValuesAndConfidenceBecomesTheOneSidedNormalQuantile() {
        ControllerConfig c = ControllerConfig.defaults();
        assertThat(c.rules().margin()).isEqualTo(10.0);
        assertThat(c.rules().promoteEpisodes()).isEqualTo(100);
        assertThat(c.rules().rollbackEpisodes()).isEqualTo(20);
        assertThat(c.rules().z()).isCloseTo(CanaryRules.Z95_ONE_SIDED, within(1e-9));
        assertThat(c.canaryShare()).isEqualTo(0.1);
        assertThat(c.opeMethod()).isEqualTo("dr");
        assertThat(c.pollInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.rules().earlyPromoteEpisodes()).as("no early promotion").isZero();
        assertThat(c.supersedeEpisodes()).as("a canary is never replaced").isZero();
        // Φ⁻¹(0.99) = 2.3263
        assertThat(ControllerOptions.parse(Map.of("controller.confidence", "0.99")).rules().z())
                .isCloseTo(2.3263, within(1e-4));
    }

    @Test
    void badValuesNameTheKeyAndTheRule() {
        assertThatThrownBy(() -> ControllerOptions.parse(Map.of("controller.confidence", "0.4")))
                .hasMessage("controller.confidence = 0.4 must be in (0.5, 1), e.g. 0.95");
        assertThatThrownBy(() -> ControllerOptions.parse(Map.of("controller.canary.share", "1")))
                .hasMessage("controller.canary.share = 1.0 must be in (0, 1), e.g. 0.1");
        assertThatThrownBy(
                        () -> ControllerOptions.parse(Map.of("controller.gate.ope-method", "ips")))
                .hasMessage("controller.gate.ope-method = ips is not one of fqe, dr, pdis, wpdis");
        assertThatThrownBy(
                        () ->
                                ControllerOptions.parse(
                                        Map.of("controller.rollback.min-episodes", "1")))
                .hasMessageStartingWith("promotion and rollback need at least 2 episodes");
        assertThatThrownBy(() -> ControllerOptions.parse(Map.of("controller.margin", "1")))
                .hasMessageStartingWith("unknown controller setting 'controller.margin'");
    }

    @Test
    void earlyPromotionAndCanaryReplacementAreReadAndChecked() {
        ControllerConfig c =
                ControllerOptions.parse(
                        Map.of(
                                "controller.promote.early-episodes", "4",
                                "controller.canary.supersede-after", "10"));
        assertThat(c.rules().earlyPromoteEpisodes()).isEqualTo(4);
        assertThat(c.supersedeEpisodes()).isEqualTo(10);
        assertThatThrownBy(
                        () ->
                                ControllerOptions.parse(
                                        Map.of("controller.promote.early-episodes", "101")))
                .hasMessage(
                        "controller.promote.early-episodes = 101 must be 0 (no early promotion) or"
                                + " from 2 to controller.promote.min-episodes (100), e.g. 5");
        assertThatThrownBy(
                        () ->
                                ControllerOptions.parse(
                                        Map.of("controller.promote.early-episodes", "1")))
                .hasMessageStartingWith("controller.promote.early-episodes = 1 must be 0");
        assertThatThrownBy(
                        () ->
                                ControllerOptions.parse(
                                        Map.of("controller.canary.supersede-after", "1")))
                .hasMessage(
                        "controller.canary.supersede-after = 1 must be 0 (never replace a canary)"
                                + " or at least 2, e.g. 10");
    }
}
