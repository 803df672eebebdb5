package io.replayflow.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * CQL's automatic alpha moves against the constraint: up while the gap is above the target, down
 * while it is below.
 *
 * <pre>
 * A linear Q-network with all weights 0 gives Q(s, .) = [0, 0] on every state, so
 *   gap = logsumexp(0, 0) - 0 = ln 2 = 0.693147181
 * and the conservative part alpha * gap reads alpha off the metrics. The networks' learning rate
 * is 1e-9, so the gap stays ln 2 while log alpha takes Adam steps of about trainer.cql.alpha-lr
 * (0.01) each: after 10 steps alpha = exp(+-0.1) = 1.105 or 0.905 from 1.
 * </pre>
 */
@Timeout(60)
class CqlAutoAlphaTest {

    private static final TransitionSpec SPEC = TransitionSpec.vector(2, 2);
    private static final float LN2 = 0.693147181f;

    private static float alphaAfterTenSteps(String targetGap) {
        return alphaAfterTenSteps(targetGap, "0.01");
    }

    private static float alphaAfterTenSteps(String targetGap, String alphaLr) {
        TrainerConfig config =
                TrainerConfig.fromMap(
                        Map.of(
                                "trainer.algo", "cql",
                                "trainer.hidden", "",
                                "trainer.batch-size", "2",
                                "trainer.lr", "1e-9",
                                "trainer.cql.alpha", "1.0",
                                "trainer.cql.auto-alpha", "true",
                                "trainer.cql.alpha-lr", alphaLr,
                                "trainer.cql.target-gap", targetGap));
        try (Trainer trainer = Trainer.create(config, SPEC)) {
            List<float[]> zeros = List.of(new float[4], new float[2]);
            trainer.setOnlineWeights(zeros);
            trainer.setTargetWeights(zeros);
            FixedBatchSource batch =
                    new FixedBatchSource(
                            SPEC,
                            new float[] {1, 0, 0, 1},
                            new int[] {0, 1},
                            new float[] {1.0f, 0.0f},
                            new float[] {0.9f, 0.0f},
                            new float[] {0, 1, 1, 1},
                            new float[] {1.0f, 1.0f});
            // alpha starts at trainer.cql.alpha
            assertThat(trainer.evaluate(batch).conservativeLoss()).isCloseTo(LN2, within(1e-6f));
            for (int i = 0; i < 10; i++) {
                trainer.step(batch);
            }
            return trainer.evaluate(batch).conservativeLoss() / LN2;
        }
    }

    @Test
    void alphaRisesWhileTheGapIsAboveTheTarget() {
        // gap ln 2 > tau 0.2: d loss_alpha / d log_alpha = -alpha (gap - tau) < 0, log alpha grows
        assertThat(alphaAfterTenSteps("0.2")).isCloseTo((float) Math.exp(0.1), within(0.01f));
    }

    @Test
    void alphaFallsWhileTheGapIsBelowTheTarget() {
        // gap ln 2 < tau 1.5: the gradient is positive, log alpha shrinks
        assertThat(alphaAfterTenSteps("1.5")).isCloseTo((float) Math.exp(-0.1), within(0.01f));
    }

    @Test
    void alphaStopsAtItsUpperBound() {
        // an unreachable target (gap ln 2 can never fall to 0) with Adam steps of about 1 in log
        // alpha would reach exp(10) = 22026 after 10 steps; log alpha is clipped at ln 100
        assertThat(alphaAfterTenSteps("0", "1.0")).isCloseTo(100f, within(1e-3f));
    }

    @Test
    void fixedAlphaStaysPut() {
        TrainerConfig config =
                TrainerConfig.fromMap(
                        Map.of("trainer.algo", "cql", "trainer.cql.auto-alpha", "false"));
        assertThat(config.cqlAutoAlpha()).isFalse();
        assertThat(config.cqlAlpha()).isEqualTo(4.0);
    }
}
