package io.replayflow.cli.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replayflow.trainer.NetworkKind;
import io.replayflow.trainer.TrainerConfig;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The MinAtar demo's settings: MinAtar's own DQN settings, and the step budget. */
@Timeout(60)
class MinAtarDemoSettingsTest {

    private static final Path DATA = Path.of("unused");

    @Test
    void minAtarRunsMinAtarsNetworkAndDqnSettings() {
        DemoSettings s = DemoSettings.minAtar(DATA, Duration.ofMinutes(12), "MinAtar/Breakout-v1");
        TrainerConfig trainer = TrainerConfig.fromMap(s.trainer());

        assertThat(s.env()).isEqualTo("MinAtar/Breakout-v1");
        assertThat(trainer.network()).isEqualTo(NetworkKind.MINATAR);
        assertThat(trainer.batchSize()).isEqualTo(32);
        assertThat(trainer.lr()).isEqualTo(2.5e-4);
        assertThat(trainer.targetUpdatePeriod()).isEqualTo(1000);
        // one gradient step of 32 samples per frame, after 5000 frames
        assertThat(s.samplesPerInsert()).isEqualTo(32.0);
        assertThat(s.minSize()).isEqualTo(5000);
        assertThat(s.epsilon()).isEqualTo("1.0:0.1:100000");
        assertThat(s.maxEnvSteps()).isZero();
        assertThat(s.actorLead())
                .as("actors wait for the trainer 5000 frames past min size, as MinAtar steps both")
                .isEqualTo(5_000);
        assertThat(s.policyName()).as("a valid policy name").isEqualTo("MinAtar-Breakout-v1");
        assertThat(s.withEnv("MinAtar/Breakout-v1+stack4").policyName())
                .isEqualTo("MinAtar-Breakout-v1-stack4");
        assertThat(DemoSettings.cartPole(DATA, Duration.ofMinutes(1)).policyName())
                .isEqualTo("CartPole-v1");
    }

    @Test
    void theStepBudgetIsKeptAndANegativeOneIsRefusedWithTheFix() {
        DemoSettings s = DemoSettings.cartPole(DATA, Duration.ofMinutes(1));

        assertThat(s.withMaxEnvSteps(300_000).maxEnvSteps()).isEqualTo(300_000);
        assertThat(s.withMaxEnvSteps(300_000).withEnv("Acrobot-v1").maxEnvSteps())
                .isEqualTo(300_000);
        assertThatThrownBy(() -> s.withMaxEnvSteps(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--max-env-steps is -1; it must be at least 1, e.g. 300000");
    }
}
