package io.replayflow.actor.env;

import io.replayflow.schemas.env.EnvSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Steps N copies of one environment with a single call, auto-resetting the copies whose episode
 * ended, and keeps every result in flat primitive arrays so an actor can batch inference and
 * logging without copying or allocating.
 *
 * <p>Usage, one actor thread:
 *
 * <pre>{@code
 * VectorEnv envs = VectorEnv.create(CartPole::new, 256, seed);
 * envs.reset();
 * while (running) {
 *     policy.act(envs.obs(), actions);  // obs: [numEnvs * obsSize]
 *     envs.step(actions);
 *     // slot i's transition: prevObs, actions[i], rewards()[i], nextObs, terminated, truncated,
 *     // at stepIndex()[i] of episode episodeIndex()[i]
 * }
 * }</pre>
 *
 * <p>After {@link #step(int[])}, for every slot i the arrays describe the transition just taken:
 *
 * <ul>
 *   <li>{@link #prevObs()} the observation the action was chosen from;
 *   <li>{@link #nextObs()} the true next observation, also when the episode ended (then it is the
 *       final observation, never the reset one);
 *   <li>{@link #rewards()}, {@link #terminated()}, {@link #truncated()};
 *   <li>{@link #stepIndex()} the transition's 0-based step within its episode and {@link
 *       #episodeIndex()} which episode of the slot it belongs to (0, 1, 2, ...);
 *   <li>{@link #autoReset()} true when the episode ended and the slot was reset;
 * </ul>
 *
 * and {@link #obs()} holds the observation the next action is chosen from: the next observation, or
 * after an auto-reset the first observation of the slot's next episode, whose first step has step
 * index 0.
 *
 * <p>Seeds: the k-th episode of slot i resets with {@link EpisodeSeeds#of}(baseSeed, i, k).
 *
 * <p>Each copy is wrapped in a {@link TimeLimit}, so episodes truncate at the spec's
 * max_episode_steps.
 *
 * <p>Ownership and cost: not thread-safe; one actor thread owns the instance and reads the arrays,
 * which are live views (the same array objects for the instance's lifetime, overwritten by every
 * step; never modify them). A step costs O(numEnvs * obsSize) copying plus one step of each copy's
 * dynamics, and allocates nothing when the environments' reset and step do not (the built-ins' do
 * not).
 */
public final class VectorEnv {
    private final TimeLimit[] envs;
    private final EnvSpec spec;
    private final int obsSize;
    private final long baseSeed;
    private final StepResult result = new StepResult();
    private boolean started;

    private final float[] obs; // [numEnvs * obsSize]
    private final float[] prevObs; // [numEnvs * obsSize]
    private final float[] nextObs; // [numEnvs * obsSize]
    private final float[] rewards; // [numEnvs]
    private final boolean[] terminated; // [numEnvs]
    private final boolean[] truncated; // [numEnvs]
    private final boolean[] autoReset; // [numEnvs]
    private final int[] stepIndex; // [numEnvs]
    private final long[] episodeIndex; // [numEnvs]
    private final long[] currentEpisode; // [numEnvs], the episode obs() belongs to

    /**
     * @param envs distinct instances of one environment, one per slot
     * @param baseSeed the seed every episode's reset seed is derived from
     */
    public VectorEnv(List<? extends Environment> envs, long baseSeed) {
        checkCopies(envs);
        int n = envs.size();
        this.envs = new TimeLimit[n];
        for (int i = 0; i < n; i++) {
            this.envs[i] = TimeLimit.wrap(envs.get(i));
        }
        this.spec = envs.get(0).spec();
        this.obsSize = spec.observationSize();
        this.baseSeed = baseSeed;
        this.obs = new float[n * obsSize];
        this.prevObs = new float[n * obsSize];
        this.nextObs = new float[n * obsSize];
        this.rewards = new float[n];
        this.terminated = new boolean[n];
        this.truncated = new boolean[n];
        this.autoReset = new boolean[n];
        this.stepIndex = new int[n];
        this.episodeIndex = new long[n];
        this.currentEpisode = new long[n];
    }

    /** {@code numEnvs} environments from {@code factory}, which must return a new one per call. */
    public static VectorEnv create(
            Supplier<? extends Environment> factory, int numEnvs, long baseSeed) {
        if (numEnvs < 1) {
            throw new IllegalArgumentException(
                    "numEnvs must be >= 1 (one slot per environment copy); got " + numEnvs);
        }
        List<Environment> envs = new ArrayList<>(numEnvs);
        for (int i = 0; i < numEnvs; i++) {
            envs.add(factory.get());
        }
        return new VectorEnv(envs, baseSeed);
    }

    /** Resets every slot to episode 0, seeded with {@code EpisodeSeeds.of(baseSeed, i, 0)}. */
    public void reset() {
        for (int i = 0; i < envs.length; i++) {
            currentEpisode[i] = 0;
            envs[i].reset(EpisodeSeeds.of(baseSeed, i, 0), obs, i * obsSize);
        }
        Arrays.fill(autoReset, false);
        started = true;
    }

    /**
     * Applies {@code actions[i]} to slot i for every slot, then auto-resets the slots whose episode
     * ended. All actions are checked before any slot moves.
     *
     * @param actions [numEnvs] one action per slot
     */
    public void step(int[] actions) {
        checkCanStep(actions);
        System.arraycopy(obs, 0, prevObs, 0, obs.length);
        for (int i = 0; i < envs.length; i++) {
            stepSlot(i, actions[i]);
        }
    }

    private void stepSlot(int i, int action) {
        TimeLimit env = envs[i];
        int offset = i * obsSize;
        stepIndex[i] = env.elapsedSteps();
        episodeIndex[i] = currentEpisode[i];
        env.step(action, nextObs, offset, result);
        rewards[i] = result.reward();
        terminated[i] = result.terminated();
        truncated[i] = result.truncated();
        autoReset[i] = result.ended();
        if (result.ended()) {
            long next = ++currentEpisode[i];
            env.reset(EpisodeSeeds.of(baseSeed, i, next), obs, offset);
        } else {
            System.arraycopy(nextObs, offset, obs, offset, obsSize);
        }
    }

    private void checkCanStep(int[] actions) {
        if (!started) {
            throw new IllegalStateException(
                    spec.id() + " VectorEnv: step() called before reset(); call reset() first");
        }
        if (actions == null || actions.length != envs.length) {
            throw new IllegalArgumentException(
                    spec.id()
                            + " VectorEnv: actions must have one entry per slot ("
                            + envs.length
                            + "); got "
                            + (actions == null ? "null" : actions.length));
        }
        for (int action : actions) {
            spec.requireValidAction(action);
        }
    }

    private static void checkCopies(List<? extends Environment> envs) {
        if (envs == null || envs.isEmpty()) {
            throw new IllegalArgumentException(
                    "VectorEnv needs at least one environment; pass one instance per slot");
        }
        EnvSpec first = envs.get(0).spec();
        Map<Environment, Integer> seen = new IdentityHashMap<>();
        for (int i = 0; i < envs.size(); i++) {
            Environment env = envs.get(i);
            Integer previous = seen.put(env, i);
            if (previous != null) {
                throw new IllegalArgumentException(
                        "VectorEnv envs["
                                + i
                                + "] is the same instance as envs["
                                + previous
                                + "]; pass a new environment per slot");
            }
            if (!env.spec().equals(first)) {
                throw new IllegalArgumentException(
                        "VectorEnv envs["
                                + i
                                + "] has spec "
                                + env.spec()
                                + " but envs[0] has "
                                + first
                                + "; a VectorEnv steps copies of one environment");
            }
        }
    }

    public EnvSpec spec() {
        return spec;
    }

    public int numEnvs() {
        return envs.length;
    }

    /** Floats per observation; slot i's observation starts at {@code i * observationSize()}. */
    public int observationSize() {
        return obsSize;
    }

    /** [numEnvs * obsSize] the observations the next actions are chosen from. */
    public float[] obs() {
        return obs;
    }

    /** [numEnvs * obsSize] the observations the last actions were chosen from. */
    public float[] prevObs() {
        return prevObs;
    }

    /** [numEnvs * obsSize] the last transitions' true next observations (final if ended). */
    public float[] nextObs() {
        return nextObs;
    }

    /** [numEnvs] the last transitions' rewards. */
    public float[] rewards() {
        return rewards;
    }

    /** [numEnvs] whether the last transition reached a terminal state (do not bootstrap). */
    public boolean[] terminated() {
        return terminated;
    }

    /** [numEnvs] whether the time limit cut the episode at the last transition (bootstrap). */
    public boolean[] truncated() {
        return truncated;
    }

    /** [numEnvs] whether the slot's episode ended and {@link #obs()} holds a reset observation. */
    public boolean[] autoReset() {
        return autoReset;
    }

    /** [numEnvs] the last transitions' 0-based step index within their episode. */
    public int[] stepIndex() {
        return stepIndex;
    }

    /** [numEnvs] which episode of its slot (0-based) the last transition belongs to. */
    public long[] episodeIndex() {
        return episodeIndex;
    }

    /**
     * [numEnvs] the episode each slot's current observation ({@link #obs()}) belongs to: the
     * episode the next {@link #step} continues (0 after {@link #reset()}).
     */
    public long[] currentEpisode() {
        return currentEpisode;
    }
}
