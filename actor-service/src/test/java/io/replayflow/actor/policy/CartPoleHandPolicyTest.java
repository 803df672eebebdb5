package io.replayflow.actor.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.replayflow.actor.env.EnvRegistry;
import io.replayflow.actor.eval.EvaluationResult;
import io.replayflow.actor.eval.Evaluator;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The CartPole hand controller, its ε-greedy behaviour policy (exact probabilities) and the returns
 * that make it the "poor behaviour policy" of the offline benchmark in docs/ALGORITHMS.md.
 */
@Timeout(60)
class CartPoleHandPolicyTest {

    private static EpsilonGreedyPolicy behaviour(double epsilon, long seed) {
        return new EpsilonGreedyPolicy(
                new CartPoleHandPolicy(),
                epsilon,
                new EpsilonGreedy(EpsilonSchedule.constant(epsilon), new SplittableRandom(seed)));
    }

    @Test
    void pushesTowardThePolesLeadAngle() {
        // rows [x, x_dot, theta, theta_dot]:
        //   theta 0.10, theta_dot -0.30: 0.10 - 0.15 = -0.05 -> left (0), though the pole leans
        // right
        //   theta -0.01, theta_dot 0.10: -0.01 + 0.05 = 0.04 -> right (1)
        //   theta 0.02, theta_dot 0.00: 0.02 -> right (1); x and x_dot are ignored
        //   theta 0, theta_dot 0: not > 0 -> left (0)
        float[] obs = {
            0f, 0f, 0.10f, -0.30f,
            0f, 0f, -0.01f, 0.10f,
            2f, -3f, 0.02f, 0f,
            0f, 0f, 0f, 0f
        };
        int[] actions = new int[4];
        float[] probs = new float[4];
        CartPoleHandPolicy policy = new CartPoleHandPolicy();
        policy.act(obs, 4, actions, probs);
        assertThat(actions).containsExactly(0, 1, 1, 0);
        assertThat(probs).containsOnly(1f);
        assertThat(policy.deterministic()).isTrue();
        assertThat(policy.version()).isZero();
    }

    @Test
    void epsilonGreedyLogsTheExactProbabilityOfTheActionTaken() {
        // ε = 0.6, |A| = 2: the controller's action 0.3 + 0.4 = 0.7, the other 0.3.
        int n = 200_000;
        float[] obs = new float[n * 4];
        SplittableRandom states = new SplittableRandom(3);
        for (int i = 0; i < obs.length; i++) {
            obs[i] = (float) states.nextDouble(-0.2, 0.2);
        }
        int[] greedy = new int[n];
        new CartPoleHandPolicy().act(obs, n, greedy, new float[n]);
        int[] actions = new int[n];
        float[] probs = new float[n];
        EpsilonGreedyPolicy policy = behaviour(0.6, 11);
        policy.act(obs, n, actions, probs);
        int kept = 0;
        for (int i = 0; i < n; i++) {
            boolean isGreedy = actions[i] == greedy[i];
            assertThat(probs[i]).isEqualTo(isGreedy ? 0.7f : 0.3f);
            kept += isGreedy ? 1 : 0;
        }
        // binomial standard deviation at n = 200k is ~0.001; allow 5 sigma
        assertThat(kept / (double) n).isCloseTo(0.7, within(0.005));
        assertThat(policy.deterministic()).isFalse();
        assertThat(behaviour(0.0, 1).deterministic()).isTrue();
    }

    @Test
    void theGreedyControllerIsGoodAndItsEpsilonPointSixFiveBehaviourIsPoor() {
        // 100 seeded evaluation episodes each. The data set of the offline benchmark is logged
        // with ε = 0.65: a mean return under 100, while the argmax of the logged action
        // distribution is a controller that solves the task.
        Evaluator evaluator = new Evaluator(EnvRegistry.withBuiltIns());
        EvaluationResult greedy = evaluator.evaluate(behaviour(0.0, 5), "CartPole-v1", 100, 7);
        EvaluationResult poor = evaluator.evaluate(behaviour(0.65, 5), "CartPole-v1", 100, 7);
        System.out.println("hand controller, epsilon 0:    " + greedy.summary());
        System.out.println("hand controller, epsilon 0.65: " + poor.summary());
        assertThat(greedy.meanReturn()).isGreaterThan(450);
        assertThat(poor.meanReturn()).isLessThan(100).isGreaterThan(40);
    }

    @Test
    void behaviourNamesParseAndTheHandControllerOnlyDrivesCartPole() {
        assertThat(Behaviour.parse("cartpole-hand")).isEqualTo(Behaviour.CARTPOLE_HAND);
        assertThat(Behaviour.parse("random")).isEqualTo(Behaviour.RANDOM);
        assertThatThrownBy(() -> Behaviour.parse("expert"))
                .hasMessage("unknown behaviour 'expert': choose one of random, cartpole-hand");
        EnvRegistry registry = EnvRegistry.withBuiltIns();
        assertThat(
                        Behaviour.CARTPOLE_HAND.versionZero(
                                registry.spec("CartPole-v1"), new SplittableRandom(1)))
                .isInstanceOf(CartPoleHandPolicy.class);
        assertThat(
                        Behaviour.RANDOM.versionZero(
                                registry.spec("Acrobot-v1"), new SplittableRandom(1)))
                .isInstanceOf(RandomPolicy.class);
        assertThatThrownBy(
                        () ->
                                Behaviour.CARTPOLE_HAND.versionZero(
                                        registry.spec("Acrobot-v1"), new SplittableRandom(1)))
                .hasMessage(
                        "cartpole-hand drives CartPole-v1 only, not Acrobot-v1: use random for"
                                + " other environments");
    }

    @Test
    void onlyADeterministicPolicyCanBeWrapped() {
        RandomPolicy random = new RandomPolicy(2, 4, new SplittableRandom(1));
        EpsilonGreedy explorer =
                new EpsilonGreedy(EpsilonSchedule.constant(0.1), new SplittableRandom(1));
        assertThatThrownBy(() -> new EpsilonGreedyPolicy(random, 0.1, explorer))
                .hasMessageContaining("is stochastic already");
        assertThatThrownBy(() -> new EpsilonGreedyPolicy(new CartPoleHandPolicy(), 1.5, explorer))
                .hasMessage("epsilon must be a probability in [0, 1]; got 1.5");
    }
}
