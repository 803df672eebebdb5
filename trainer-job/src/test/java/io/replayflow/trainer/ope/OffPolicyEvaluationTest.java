package io.replayflow.trainer.ope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.replayflow.trainer.TrainerConfig;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link OffPolicyEvaluation}: the epsilon-soft target's probabilities, the support it restores,
 * and FQE's backup count against the horizon, worked out by hand.
 *
 * <pre>
 * One state, two actions, one-step episodes, gamma = 1; behaviour uniform (mu = 0.5 each).
 * The artifact's greedy action is always 1.  E1: a = 1, r = 1;  E2: a = 0, r = 0.
 * Greedy target (epsilon 0): pi = 1, 0: weights 2, 0;  PDIS = (2*1 + 0)/2 = 1;  ESS = 4/4 = 1.
 * epsilon = 0.2: pi(1) = 0.8 + 0.1 = 0.9, pi(0) = 0.1: weights 1.8, 0.2
 *   PDIS = (1.8*1 + 0.2*0)/2 = 0.9 = the soft policy's true value 0.9*1 + 0.1*0
 *   WPDIS = 1.8 / (1.8 + 0.2) = 0.9;  ESS = (1.8 + 0.2)^2 / (1.8^2 + 0.2^2) = 4 / 3.28
 * </pre>
 */
@Timeout(30)
class OffPolicyEvaluationTest {

    private static final List<LoggedSteps> LOG = List.of(step(1, 1f), step(0, 0f));

    /** A small FQE network that fits the one-state log within 1,500 steps. */
    private static final TrainerConfig TINY_FQE =
            TrainerConfig.fromMap(
                    Map.of(
                            "trainer.hidden", "8",
                            "trainer.lr", "0.01",
                            "trainer.batch-size", "8",
                            "trainer.loss", "mse",
                            "trainer.target.update-period", "10",
                            "trainer.threads.intra-op", "1",
                            "trainer.threads.inter-op", "1"));

    private static LoggedSteps step(int action, float reward) {
        return new LoggedSteps(
                new float[] {0f},
                new int[] {action},
                new float[] {reward},
                new float[] {0.5f},
                new float[] {0f},
                new boolean[] {true},
                new boolean[] {false});
    }

    /** FQE alone on {@link #TINY_FQE}, 1,500 steps, 50 resamples at 90 %, seed 1. */
    private static OffPolicyEvaluation.Settings.Builder tinyFqe() {
        return OffPolicyEvaluation.Settings.builder()
                .methods(Set.of("fqe"))
                .fqe(TINY_FQE)
                .fqeSteps(1500)
                .resamples(50)
                .confidence(0.9)
                .seed(1);
    }

    private static OffPolicyEvaluation.Settings settings(
            double epsilon, long fqeSteps, String period, double gamma) {
        return OffPolicyEvaluation.Settings.builder()
                .gamma(gamma)
                .methods(Set.of("pdis", "wpdis"))
                .fqe(TrainerConfig.fromMap(Map.of("trainer.target.update-period", period)))
                .fqeSteps(fqeSteps)
                .resamples(50)
                .confidence(0.9)
                .seed(1)
                .targetEpsilon(epsilon)
                .fqeFits(1)
                .fqeIterates(1)
                .fqeActionInput(false)
                .build();
    }

    private static OffPolicyEvaluation.Report run(double epsilon) {
        TargetPolicy alwaysOne =
                (obs, rows) -> {
                    int[] greedy = new int[rows];
                    Arrays.fill(greedy, 1);
                    return greedy;
                };
        return OffPolicyEvaluation.run(LOG, 1, 2, alwaysOne, settings(epsilon, 1, "1", 1));
    }

    @Test
    void aGreedyTargetKeepsOnlyTheEpisodesThatFollowIt() {
        OffPolicyEvaluation.Report r = run(0);

        assertThat(r.estimates().get("pdis").value()).isCloseTo(1.0, within(1e-6));
        assertThat(r.estimates().get("pdis").ess()).isCloseTo(1.0, within(1e-6));
        assertThat(r.supportedEpisodes()).isEqualTo(1);
        assertThat(r.targetActs()).isEqualTo(1);
    }

    @Test
    void anEpsilonSoftTargetWeighsEveryEpisode() {
        OffPolicyEvaluation.Report r = run(0.2);

        assertThat(r.estimates().get("pdis").value()).isCloseTo(0.9, within(1e-6));
        assertThat(r.estimates().get("wpdis").value()).isCloseTo(0.9, within(1e-6));
        assertThat(r.estimates().get("pdis").ess()).isCloseTo(4 / 3.28, within(1e-6));
        assertThat(r.supportedEpisodes()).isEqualTo(2);
        assertThat(r.targetEpsilon()).isEqualTo(0.2);
        assertThat(r.toJson("p")).contains("\"target_epsilon\":0.2");
    }

    /**
     * The cause of FQE's ~10 on CartPole: 5000 steps with a target update every 500 are 10 Bellman
     * backups, so with reward 1 a step its values stop at about 10 while episodes last 500 steps.
     */
    @Test
    void tooFewBackupsForTheHorizonAreNamed() {
        OffPolicyEvaluation.Settings old = settings(0, 5000, "500", 1);
        assertThat(OffPolicyEvaluation.backups(old)).isEqualTo(10.0);
        assertThat(OffPolicyEvaluation.fqeHorizonWarning(10, 500, old))
                .hasValueSatisfying(w -> assertThat(w).contains("fqe ran 10 Bellman backups"));

        OffPolicyEvaluation.Settings enough = settings(0, 20000, "20", 1);
        assertThat(OffPolicyEvaluation.backups(enough)).isEqualTo(1000.0);
        assertThat(OffPolicyEvaluation.fqeHorizonWarning(1000, 500, enough)).isEmpty();
        // gamma 0.99: three time constants are 300 backups, fewer than the 500-step horizon
        OffPolicyEvaluation.Settings discounted = settings(0, 5000, "20", 0.99);
        assertThat(OffPolicyEvaluation.fqeHorizonWarning(250, 500, discounted)).isPresent();
        assertThat(OffPolicyEvaluation.fqeHorizonWarning(300, 500, discounted)).isEmpty();
    }

    @Test
    void anEpsilonOutsideTheUnitIntervalIsRefusedByName() {
        assertThatThrownBy(() -> settings(1, 1, "1", 1))
                .hasMessageContaining("--target-epsilon 1.0 is outside [0, 1)");
    }

    /**
     * FQE averaged over three fits keeps the value's scale: the greedy target takes action 1
     * (reward 1, then the end) in the one logged state, so {@code Q(s, 1) = 1} and fqe = 1 (a sum
     * of the fits instead of their mean would give 3).
     */
    @Test
    void anEnsembleOfFqeFitsAveragesTheirValues() {
        TargetPolicy alwaysOne =
                (obs, rows) -> {
                    int[] greedy = new int[rows];
                    Arrays.fill(greedy, 1);
                    return greedy;
                };
        OffPolicyEvaluation.Settings s =
                tinyFqe().fqeFits(3).fqeIterates(1).fqeActionInput(false).build();

        OffPolicyEvaluation.Report r = OffPolicyEvaluation.run(LOG, 1, 2, alwaysOne, s);

        assertThat(r.estimates().get("fqe").value()).isCloseTo(1.0, within(0.05));
    }

    /**
     * The same log and target with the action as FQE's input, two fits of four averaged iterates
     * each: the one logged state's {@code Q(s, 1) = 1} (reward 1, then the end) and {@code Q(s, 0)
     * = 0}, so fqe = 1 and each fit's value is reported beside the mean.
     */
    @Test
    void anActionInputFqeWithAveragedIteratesRecoversTheValue() {
        TargetPolicy alwaysOne =
                (obs, rows) -> {
                    int[] greedy = new int[rows];
                    Arrays.fill(greedy, 1);
                    return greedy;
                };
        OffPolicyEvaluation.Settings s = tinyFqe().fqeFits(2).fqeIterates(4).build();

        OffPolicyEvaluation.Report r = OffPolicyEvaluation.run(LOG, 1, 2, alwaysOne, s);

        OpeEstimate fqe = r.estimates().get("fqe");
        assertThat(fqe.value()).isCloseTo(1.0, within(0.05));
        assertThat(fqe.fits())
                .hasSize(2)
                .allSatisfy(v -> assertThat(v).isCloseTo(1.0, within(0.05)));
        assertThat(r.toJson("p")).contains("\"fits\":[");
    }

    /**
     * The history filter, by hand: the target takes 1 everywhere; the log takes 1, 1, 0, 1, 1, 1.
     * With a window of 2 steps 0 and 1 are kept (their previous actions, as far as there are any,
     * were the target's), and step 2 (its previous two were 1); step 3 follows the 0, step 4 has it
     * in its window; step 5's previous two (steps 3, 4) were 1 again. Window 0 keeps every step.
     */
    @Test
    void fqeKeepsTheStepsTheTargetReachesAsItWould() {
        int[] logged = {1, 1, 0, 1, 1, 1};
        int[] target = {1, 1, 1, 1, 1, 1};

        assertThat(OffPolicyEvaluation.onTargetPath(logged, target, 2))
                .containsExactly(true, true, true, false, false, true);
        assertThat(OffPolicyEvaluation.onTargetPath(logged, target, 0))
                .containsExactly(true, true, true, true, true, true);
    }

    /** Selecting rows keeps every column of those rows, in order. */
    @Test
    void fqeDataKeepsTheSelectedRows() {
        FqeData data =
                new FqeData(
                        new float[] {0f, 1f, 2f},
                        new int[] {0, 1, 0},
                        new float[] {10f, 11f, 12f},
                        new float[] {1f, 0f, 1f},
                        new float[] {5f, 6f, 7f},
                        new int[] {1, 0, 1},
                        1);

        FqeData kept = data.select(new boolean[] {true, false, true});

        assertThat(kept.obs()).containsExactly(0f, 2f);
        assertThat(kept.action()).containsExactly(0, 0);
        assertThat(kept.reward()).containsExactly(10f, 12f);
        assertThat(kept.discount()).containsExactly(1f, 1f);
        assertThat(kept.nextObs()).containsExactly(5f, 7f);
        assertThat(kept.nextAction()).containsExactly(1, 1);
        assertThatThrownBy(() -> data.select(new boolean[] {true}))
                .hasMessageContaining("1 row flags for 3 FQE rows");
    }

    @Test
    void aNegativeFqeHistoryIsRefusedByName() {
        assertThatThrownBy(() -> OffPolicyEvaluation.Settings.builder().fqeHistory(-1).build())
                .hasMessageContaining("--fqe-history -1 must be at least 0");
    }

    @Test
    void fewerThanOneFqeIterateIsRefusedByName() {
        assertThatThrownBy(() -> OffPolicyEvaluation.Settings.builder().fqeIterates(0).build())
                .hasMessageContaining("--fqe-iterates 0 must be at least 1");
    }

    @Test
    void fewerThanOneFqeFitIsRefusedByName() {
        assertThatThrownBy(() -> OffPolicyEvaluation.Settings.builder().fqeFits(0).build())
                .hasMessageContaining("--fqe-fits 0 must be at least 1");
    }
}
