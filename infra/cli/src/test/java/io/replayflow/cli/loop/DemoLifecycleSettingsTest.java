package io.replayflow.cli.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class DemoLifecycleSettingsTest {

    @Test
    void overridesReplaceOnlyTheirKeysOfTheDemoSettings() {
        Map<String, String> merged =
                DemoLifecycle.controllerSettings(
                        Map.of(
                                "controller.canary.share", "0.8",
                                "controller.rollback.failure-reports", "2"));

        assertThat(merged)
                .containsEntry("controller.canary.share", "0.8")
                .containsEntry("controller.rollback.failure-reports", "2")
                .containsEntry("controller.gate.margin", "300")
                .containsEntry("controller.promote.min-episodes", "4")
                .containsEntry("controller.promote.early-episodes", "4")
                .containsEntry("controller.canary.supersede-after", "4")
                .containsEntry("controller.rollback.min-episodes", "10");
        assertThat(DemoLifecycle.controllerSettings(Map.of()))
                .isEqualTo(DemoLifecycle.CONTROLLER_SETTINGS);
    }

    @Test
    void aBadOverrideIsRefusedNamingTheKey() {
        assertThatThrownBy(
                        () ->
                                DemoLifecycle.controllerSettings(
                                        Map.of("controller.confidence", "0.3")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("controller.confidence = 0.3 must be in (0.5, 1)");
    }
}
