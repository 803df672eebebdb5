package io.replayflow.actor.eval;

import io.replayflow.actor.env.EnvRegistry;
import io.replayflow.actor.env.VectorEnv;
import io.replayflow.actor.internal.Seeds;
import io.replayflow.actor.swap.EnvPolicySpec;
import io.replayflow.policy.Policy;
import io.replayflow.policy.PolicyRejectedException;
import io.replayflow.policy.load.PolicyLoader;
import io.replayflow.schemas.env.EnvSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Greedy evaluation of a policy on a built-in environment: N episodes, reproducible from a seed,
 * run as batched inference over a {@link VectorEnv}. The facade behind {@code replayflow evaluate}.
 *
 * <pre>{@code
 * EvaluationResult result = Evaluator.withBuiltIns().evaluate(Path.of("policies/cartpole/12"),
 *         "CartPole-v1", 100, 42);
 * System.out.println(result.toJson());   // {"mean_return": 487.3, "episodes": 100, ...}
 * }</pre>
 *
 * <p>Seeds: episodes run in chunks of up to {@value #MAX_SLOTS} slots; episode j is the first
 * episode of slot {@code j % 256} of chunk {@code j / 256}, whose base seed is derived from the
 * evaluation seed with an evaluation-only salt. So the same seed gives the same episodes whatever
 * else runs, and evaluation episodes never replay the episodes actors trained on with that seed.
 * Only each slot's first episode counts, so results do not depend on how fast episodes end.
 *
 * <p>The policy acts greedily, with no exploration: a {@code SavedModelPolicy} takes its argmax
 * action, a stochastic one the argmax of its logits ({@link Policy#greedy()}). A recurrent policy
 * keeps one state per slot, zeros at each episode's first step, each step's next state fed to the
 * slot's next step. Stateless; thread-safe.
 */
public final class Evaluator {

    /** Most episodes run side by side. */
    public static final int MAX_SLOTS = 256;

    private final EnvRegistry registry;

    public Evaluator(EnvRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    public static Evaluator withBuiltIns() {
        return new Evaluator(EnvRegistry.withBuiltIns());
    }

    /**
     * Verifies and loads the artifact in {@code policyDir} (manifest, checksums, spec against the
     * environment, warm-up), evaluates it and closes it.
     *
     * @throws PolicyRejectedException when the artifact is refused; the message says why
     * @throws IllegalArgumentException for an unknown env id or episodes < 1
     */
    public EvaluationResult evaluate(Path policyDir, String envId, int episodes, long seed)
            throws PolicyRejectedException {
        checkEpisodes(episodes);
        EnvSpec spec = registry.spec(envId);
        float[] probe = registry.make(envId).reset(Seeds.derive(seed, Seeds.PROBE, 0));
        PolicyLoader loader =
                PolicyLoader.tensorFlow(
                        EnvPolicySpec.of(spec), probe, Math.min(episodes, MAX_SLOTS));
        try (Policy policy = loader.loadDirectory(policyDir)) {
            return evaluate(policy, envId, episodes, seed);
        }
    }

    /** Evaluates an open policy (left open). */
    public EvaluationResult evaluate(Policy policy, String envId, int episodes, long seed) {
        checkEpisodes(episodes);
        EnvSpec spec = registry.spec(envId);
        if (policy.numActions() != spec.numActions()
                || policy.observationSize() != spec.observationSize()) {
            throw new IllegalArgumentException(
                    "policy v"
                            + policy.version()
                            + " takes "
                            + policy.observationSize()
                            + " floats and chooses among "
                            + policy.numActions()
                            + " actions; "
                            + envId
                            + " needs "
                            + spec.observationSize()
                            + " and "
                            + spec.numActions());
        }
        List<Double> returns = new ArrayList<>(episodes);
        List<Integer> lengths = new ArrayList<>(episodes);
        for (int chunk = 0; returns.size() < episodes; chunk++) {
            int slots = Math.min(MAX_SLOTS, episodes - returns.size());
            runChunk(
                    policy.greedy(),
                    envId,
                    slots,
                    Seeds.derive(seed, Seeds.EVALUATION, chunk),
                    returns,
                    lengths);
        }
        return new EvaluationResult(envId, policy.version(), seed, returns, lengths);
    }

    private void runChunk(
            Policy policy,
            String envId,
            int slots,
            long baseSeed,
            List<Double> returns,
            List<Integer> lengths) {
        VectorEnv envs = VectorEnv.create(() -> registry.makeUnwrapped(envId), slots, baseSeed);
        envs.reset();
        int[] actions = new int[slots];
        float[] probs = new float[slots];
        double[] episodeReturn = new double[slots];
        int[] episodeLength = new int[slots];
        boolean[] done = new boolean[slots];
        int stateSize = policy.stateSize();
        float[] state = new float[slots * stateSize]; // zeros: every slot's first step
        int remaining = slots;
        while (remaining > 0) {
            policy.act(envs.obs(), state, slots, actions, probs, state);
            envs.step(actions);
            for (int i = 0; i < slots; i++) {
                if (envs.autoReset()[i]) {
                    Arrays.fill(state, i * stateSize, (i + 1) * stateSize, 0f);
                }
                if (done[i]) {
                    continue;
                }
                episodeReturn[i] += envs.rewards()[i];
                episodeLength[i]++;
                if (envs.terminated()[i] || envs.truncated()[i]) {
                    done[i] = true;
                    remaining--;
                }
            }
        }
        for (int i = 0; i < slots; i++) {
            returns.add(episodeReturn[i]);
            lengths.add(episodeLength[i]);
        }
    }

    private static void checkEpisodes(int episodes) {
        if (episodes < 1) {
            throw new IllegalArgumentException("episodes must be >= 1; got " + episodes);
        }
    }
}
