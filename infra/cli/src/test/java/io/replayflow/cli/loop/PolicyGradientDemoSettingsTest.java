package io.replayflow.cli.loop;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.trainer.pg.ActorCriticCore;
import io.replayflow.trainer.pg.SegmentConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The policy-gradient demo's per-environment settings. */
@Timeout(60)
class PolicyGradientDemoSettingsTest {

    private static final Path DATA = Path.of("unused");

    @Test
    void acrobotScalesItsRewardsAndCartPoleKeepsThem() {
        DemoSettings acrobot =
                DemoSettings.policyGradient(DATA, Duration.ofMinutes(9), "impala", "Acrobot-v1");
        DemoSettings cartPole =
                DemoSettings.policyGradient(DATA, Duration.ofMinutes(5), "impala", "CartPole-v1");

        assertThat(acrobot.env()).isEqualTo("Acrobot-v1");
        assertThat(SegmentConfig.fromMap(acrobot.trainer()).rewardScale()).isEqualTo(0.01);
        assertThat(SegmentConfig.fromMap(cartPole.trainer()).rewardScale()).isEqualTo(1.0);
        assertThat(cartPole.trainer())
                .as("CartPole's settings are the env-free preset's")
                .isEqualTo(
                        DemoSettings.policyGradient(DATA, Duration.ofMinutes(5), "impala")
                                .trainer());
    }

    @Test
    void reinforceReadsEachSegmentOnceWithScaledRewards() {
        DemoSettings reinforce =
                DemoSettings.policyGradient(
                        DATA, Duration.ofMinutes(5), "reinforce", "CartPole-v1");
        DemoSettings a2c =
                DemoSettings.policyGradient(DATA, Duration.ofMinutes(5), "a2c", "CartPole-v1");

        assertThat(reinforce.segmentUses()).isEqualTo(1);
        assertThat(SegmentConfig.fromMap(reinforce.trainer()).rewardScale()).isEqualTo(0.01);
        assertThat(a2c.segmentUses()).isEqualTo(2);
        assertThat(SegmentConfig.fromMap(a2c.trainer()).rewardScale()).isEqualTo(1.0);
    }

    @Test
    void r2d2ReadsSegmentsWithAnLstmQNetworkAndExploresEpsilonGreedy() {
        DemoSettings r2d2 =
                DemoSettings.r2d2(DATA, Duration.ofMinutes(30), "CartPole-v1-masked")
                        .withTrainerSettings(Map.of("trainer.n-step", "3"));

        SegmentConfig config = SegmentConfig.fromMap(r2d2.trainer());
        assertThat(r2d2.segmentLoop()).isTrue();
        assertThat(r2d2.env()).isEqualTo("CartPole-v1-masked");
        assertThat(config.trainer().algo()).isEqualTo(io.replayflow.trainer.Algo.R2D2);
        assertThat(config.core()).isEqualTo(ActorCriticCore.LSTM);
        assertThat(config.lstmUnits()).isEqualTo(64);
        assertThat(config.burnIn()).isEqualTo(20);
        assertThat(config.rewardScale()).isEqualTo(0.1);
        assertThat(config.trainer().nStep()).as("a --set wins").isEqualTo(3);
        assertThat(r2d2.epsilon()).isEqualTo("1.0:0.05:50000");
        assertThat(r2d2.segmentUses()).isEqualTo(4);
    }

    @Test
    void aSetOverridesTheEnvironmentsDefault() {
        DemoSettings acrobot =
                DemoSettings.policyGradient(DATA, Duration.ofMinutes(9), "a2c", "Acrobot-v1")
                        .withTrainerSettings(Map.of("trainer.pg.reward-scale", "1"));

        assertThat(SegmentConfig.fromMap(acrobot.trainer()).rewardScale()).isEqualTo(1.0);
    }

    @Test
    void theLstmScalesRewardsByAtMostATenthAndKeepsASmallerScale() {
        DemoSettings masked =
                DemoSettings.policyGradient(
                                DATA, Duration.ofMinutes(30), "impala", "CartPole-v1-masked")
                        .withLstm();
        DemoSettings acrobot =
                DemoSettings.policyGradient(DATA, Duration.ofMinutes(9), "a2c", "Acrobot-v1")
                        .withLstm();

        SegmentConfig lstm = SegmentConfig.fromMap(masked.trainer());
        assertThat(lstm.core()).isEqualTo(ActorCriticCore.LSTM);
        assertThat(lstm.rewardScale()).isEqualTo(0.1);
        assertThat(masked.trainer()).containsEntry("trainer.lr", "0.003");
        assertThat(SegmentConfig.fromMap(acrobot.trainer()).rewardScale())
                .as("Acrobot's own scale is smaller and stays")
                .isEqualTo(0.01);
    }

    @Test
    void aSetOverridesTheLstmsScale() {
        DemoSettings masked =
                DemoSettings.policyGradient(
                                DATA, Duration.ofMinutes(30), "impala", "CartPole-v1-masked")
                        .withLstm()
                        .withTrainerSettings(Map.of("trainer.pg.reward-scale", "1"));

        assertThat(SegmentConfig.fromMap(masked.trainer()).rewardScale()).isEqualTo(1.0);
    }
}
