package io.replayflow.trainer.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replayflow.replay.segment.SegmentReadOptions;
import io.replayflow.trainer.TrainerConfig;
import io.replayflow.trainer.pg.SegmentConfig;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Checks of the continuous trainer's settings that span the trainer and the segment reader. */
@Timeout(10)
class ContinuousTrainerConfigTest {

    private static ContinuousTrainerConfig.Builder builder(String algo, int uses) {
        return ContinuousTrainerConfig.builder(URI.create("file:///tmp/unused/"), "segs")
                .policyGradient(SegmentConfig.fromMap(Map.of("trainer.algo", algo)))
                .segments(SegmentReadOptions.defaults().withMaxUses(uses))
                .env("CartPole-v1");
    }

    @Test
    void reinforceReadsEachSegmentOnce() {
        assertThatThrownBy(() -> builder("reinforce", 2).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trainer.algo=reinforce learns each whole episode once")
                .hasMessageContaining("set the segment uses to 1");
        assertThat(builder("reinforce", 1).build().segments().maxUses()).isEqualTo(1);
        assertThat(builder("impala", 2).build().segments().maxUses()).isEqualTo(2);
    }

    @Test
    void aPolicyGradientAlgoIsRefusedThroughTheValueBasedSetter() {
        ContinuousTrainerConfig.Builder b =
                ContinuousTrainerConfig.builder(URI.create("file:///tmp/unused/"), "segs");
        assertThatThrownBy(
                        () ->
                                b.trainer(
                                        TrainerConfig.fromMap(
                                                Map.of(
                                                        "trainer.algo", "impala",
                                                        "trainer.pg.entropy-coef", "0.05"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trainer.algo=impala is a policy-gradient algo")
                .hasMessageContaining("policyGradient(");
        SegmentConfig pg =
                SegmentConfig.fromMap(
                        Map.of("trainer.algo", "impala", "trainer.pg.entropy-coef", "0.05"));
        assertThat(b.policyGradient(pg).env("CartPole-v1").build().policyGradient())
                .hasValueSatisfying(c -> assertThat(c.entropyCoef()).isEqualTo(0.05));
    }
}
