package io.replayflow.actor.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.actor.env.CartPole;
import io.replayflow.actor.env.EpisodeSeeds;
import io.replayflow.actor.env.StepResult;
import io.replayflow.actor.env.TimeLimit;
import io.replayflow.actor.internal.Seeds;
import io.replayflow.policy.testing.LstmPolicy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code evaluate} on a real recurrent SavedModel: its batched, greedy episodes must equal the same
 * LSTM stepped in plain Java one episode at a time, from zeros, carrying its state step to step.
 */
@Timeout(120)
class EvaluatorRecurrentTest {
    private static final int UNITS = 6;
    private static final LstmPolicy LSTM = LstmPolicy.random(2, UNITS, 2, 3.0, 11);

    @TempDir Path tmp;

    @Test
    void batchedGreedyEpisodesEqualTheCellSteppedEpisodeByEpisode() throws Exception {
        Path dir = tmp.resolve("lstm/1");
        LSTM.write(dir, "lstm", 1);
        int episodes = 12;
        long seed = 7;

        EvaluationResult result =
                Evaluator.withBuiltIns().evaluate(dir, "CartPole-v1-masked", episodes, seed);

        List<Double> expected = new ArrayList<>();
        List<Double> statelessReturns = new ArrayList<>();
        long base = Seeds.derive(seed, Seeds.EVALUATION, 0);
        for (int j = 0; j < episodes; j++) {
            expected.add(play(EpisodeSeeds.of(base, j, 0), true));
            statelessReturns.add(play(EpisodeSeeds.of(base, j, 0), false));
        }
        assertThat(result.returns()).containsExactlyElementsOf(expected);
        assertThat(expected)
                .as("the state changes this network's choices")
                .isNotEqualTo(statelessReturns);
    }

    /** One greedy episode of the LSTM in plain Java; {@code carry} false restarts from zeros. */
    private static double play(long seed, boolean carry) {
        TimeLimit env = new TimeLimit(CartPole.masked());
        float[] obs = new float[2];
        env.reset(seed, obs, 0);
        double[] state = new double[2 * UNITS];
        StepResult result = new StepResult();
        double total = 0;
        do {
            double[] logits = LSTM.step(obs, state, carry ? state : new double[2 * UNITS]);
            env.step(logits[1] > logits[0] ? 1 : 0, obs, 0, result);
            total += result.reward();
        } while (!result.ended());
        return total;
    }
}
