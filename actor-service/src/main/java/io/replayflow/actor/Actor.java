package io.replayflow.actor;

import io.replayflow.actor.env.VectorEnv;
import io.replayflow.actor.metrics.ActorMetrics;
import io.replayflow.actor.policy.EpsilonGreedy;
import io.replayflow.actor.publish.TransitionEncoder;
import io.replayflow.actor.publish.TransitionPublisher;
import io.replayflow.policy.assign.PolicyRouter;
import io.replayflow.policy.swap.PolicyHolder;
import io.replayflow.policy.swap.PolicyRef;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * One actor: the loop {@link VectorEnv} → policy → transitions → Kafka, for N environments at once.
 *
 * <p>Each vector step: acquire the current policy from the {@link PolicyHolder} (so a hot-swap
 * lands between two vector steps and the whole batch is chosen by one version), choose all N
 * actions in one call with ε-greedy exploration, release the policy, step the N environments, then
 * publish the N transitions, each with the version that chose it and the exact behaviour
 * probability of its action. Episode returns and counts go to {@link ActorMetrics}.
 *
 * <p>Once the policy's {@link PolicyRouter} has an assignment, each slot's episode is pinned at its
 * first step to the version the router gives its episode id (champion or canary) and keeps it to
 * its end, even across a rollback; a step then calls each pinned version once on the rows of its
 * slots (one call when all slots share a version). An episode already running when the first
 * assignment arrives switches once, as a hot-swap does.
 *
 * <p>If inference with a version other than the champion throws (a canary that loaded but cannot
 * act), the actor tells its {@link ActingListener#onActFailed} (the runner reports it on {@code
 * rf.policy.failures}), gives that version no more episodes and finishes its running episodes on
 * the champion from that step on: the step is acted again by the champion, so no step is dropped,
 * and each transition still carries the version that chose it and its exact behaviour probability.
 * A failing champion stops the actor.
 *
 * <p>Runs on the thread that calls {@link #run}; not thread-safe otherwise. {@link #steps()} and
 * {@link #actingVersion()} may be read from any thread.
 */
public final class Actor {
    private final int index;
    private final EpisodeIds ids;
    private final VectorEnv envs;
    private final PolicyHolder holder;
    private final PolicyRouter router;
    private final EpsilonGreedy explorer;
    private final TransitionPublisher publisher;
    private final TransitionEncoder encoder;
    private final InstantSource clock;
    private final ActorMetrics metrics;
    private final ActingListener listener;

    private final int numEnvs;
    private final int obsSize;
    private final int[] actions; // [numEnvs]
    private final float[] behaviorProbs; // [numEnvs]
    private final long[] versions; // [numEnvs] the version that chose each slot's action
    private final PolicyRef[] pinned; // [numEnvs] each slot's episode's version, when routed
    private final long[] pinnedEpisode; // [numEnvs] the episode index pinned[slot] belongs to
    private final int[] groupSlots; // [numEnvs] slots of one version, for a grouped act
    private final float[] groupObs; // [numEnvs * obsSize]
    private final int[] groupActions; // [numEnvs]
    private final float[] groupProbs; // [numEnvs]
    private final boolean[] grouped; // [numEnvs] slots already acted in this step
    private final double[] returns; // [numEnvs] return so far of each slot's episode
    private final String[] actorIds; // [numEnvs]
    private final long[] slotEpisode; // [numEnvs] episode index the cached ids belong to
    private final String[] episodeIds; // [numEnvs]
    private final byte[][] keys; // [numEnvs] episode id bytes: the record key
    private final Set<Long> failed = new HashSet<>(); // versions whose inference threw here
    private volatile long steps;
    private volatile long actingVersion = -1;

    public Actor(
            int index,
            EpisodeIds ids,
            VectorEnv envs,
            PolicyHolder holder,
            PolicyRouter router,
            EpsilonGreedy explorer,
            TransitionPublisher publisher,
            InstantSource clock,
            ActorMetrics metrics,
            ActingListener listener) {
        this.index = index;
        this.ids = Objects.requireNonNull(ids, "ids");
        this.envs = Objects.requireNonNull(envs, "envs");
        this.holder = Objects.requireNonNull(holder, "holder");
        this.router = Objects.requireNonNull(router, "router");
        this.explorer = Objects.requireNonNull(explorer, "explorer");
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.numEnvs = envs.numEnvs();
        this.obsSize = envs.observationSize();
        this.encoder = new TransitionEncoder(envs.spec());
        this.actions = new int[numEnvs];
        this.behaviorProbs = new float[numEnvs];
        this.versions = new long[numEnvs];
        this.pinned = new PolicyRef[numEnvs];
        this.pinnedEpisode = new long[numEnvs];
        this.groupSlots = new int[numEnvs];
        this.groupObs = new float[numEnvs * obsSize];
        this.groupActions = new int[numEnvs];
        this.groupProbs = new float[numEnvs];
        this.grouped = new boolean[numEnvs];
        this.returns = new double[numEnvs];
        this.actorIds = new String[numEnvs];
        this.slotEpisode = new long[numEnvs];
        this.episodeIds = new String[numEnvs];
        this.keys = new byte[numEnvs][];
        for (int slot = 0; slot < numEnvs; slot++) {
            actorIds[slot] = ids.actorId(slot);
            slotEpisode[slot] = -1;
        }
    }

    /**
     * Resets the environments and steps them until {@code stop} says so or {@code maxVectorSteps}
     * vector steps are done (0 = no limit), at most {@code maxStepsPerSecond} environment steps per
     * second (0 = as fast as possible). Returns after the last step's transitions were handed to
     * the publisher.
     *
     * @throws io.replayflow.actor.publish.PublishFailedException when publishing failed
     */
    public void run(long maxVectorSteps, double maxStepsPerSecond, BooleanSupplier stop) {
        envs.reset();
        try {
            loop(maxVectorSteps, maxStepsPerSecond, stop);
        } finally {
            unpinAll();
        }
    }

    private void loop(long maxVectorSteps, double maxStepsPerSecond, BooleanSupplier stop) {
        long interval = maxStepsPerSecond > 0 ? (long) (1e9 * numEnvs / maxStepsPerSecond) : 0;
        long due = System.nanoTime();
        for (long done = 0; (maxVectorSteps == 0 || done < maxVectorSteps); done++) {
            if (stop.getAsBoolean()) {
                return;
            }
            step();
            if (interval > 0) {
                due += interval;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                } else if (wait < -1_000_000_000L) {
                    due = System.nanoTime(); // fell behind by over 1 s: do not burst to catch up
                }
            }
        }
    }

    /** One vector step: choose, step, publish. */
    void step() {
        long version = router.assigned() ? actRouted() : actNewest();
        if (version != actingVersion) {
            actingVersion = version;
            listener.onActing(index, version, System.nanoTime());
        }
        envs.step(actions);
        publish(clock.millis());
        steps += numEnvs;
        metrics.addSteps(numEnvs);
    }

    /** Every slot with the holder's current version, in one call; returns that version. */
    private long actNewest() {
        PolicyRef ref = holder.acquire();
        try {
            explorer.act(ref.policy(), steps, envs.obs(), numEnvs, actions, behaviorProbs);
            Arrays.fill(versions, ref.version());
            return ref.version();
        } finally {
            ref.release();
        }
    }

    /**
     * Each slot with its episode's pinned version, one call per version; returns the lowest version
     * that acted.
     */
    private long actRouted() {
        long[] episode = envs.currentEpisode();
        for (int slot = 0; slot < numEnvs; slot++) {
            if (pinned[slot] == null || pinnedEpisode[slot] != episode[slot]) {
                unpin(slot);
                pinned[slot] = acquireFor(ids.episodeId(slot, episode[slot]));
                pinnedEpisode[slot] = episode[slot];
            }
        }
        while (true) { // each failed act re-pins its slots to the champion: at most a few rounds
            if (allPinnedTo(pinned[0])) {
                PolicyRef ref = pinned[0];
                if (tryAct(ref, envs.obs(), numEnvs, actions, behaviorProbs)) {
                    Arrays.fill(versions, ref.version());
                    return ref.version();
                }
                continue;
            }
            long lowest = actGroups();
            if (lowest >= 0) {
                return lowest;
            }
        }
    }

    /** One call per pinned version; the lowest that acted, or -1 when one failed (act again). */
    private long actGroups() {
        long lowest = Long.MAX_VALUE;
        Arrays.fill(grouped, false);
        for (int first = 0; first < numEnvs; first++) {
            if (!grouped[first]) {
                PolicyRef ref = pinned[first];
                if (!actGroup(ref)) {
                    return -1;
                }
                lowest = Math.min(lowest, ref.version());
            }
        }
        return lowest;
    }

    /** The router's version for a new episode, unless this actor saw it fail: then the champion. */
    private PolicyRef acquireFor(String episodeId) {
        PolicyRef ref = router.acquireFor(episodeId);
        if (failed.contains(ref.version())) {
            ref.release();
            return router.acquireChampion();
        }
        return ref;
    }

    /**
     * Acts {@code n} rows with {@code ref}. If it throws and is not the champion (a canary, or a
     * version kept by running episodes after a rollback), the failure is reported, the version gets
     * no more episodes from this actor, its slots are pinned to the champion and false is returned
     * so the caller acts again. A failing champion stops the actor as before.
     */
    private boolean tryAct(PolicyRef ref, float[] obs, int n, int[] outActions, float[] outProbs) {
        try {
            explorer.act(ref.policy(), steps, obs, n, outActions, outProbs);
            return true;
        } catch (RuntimeException e) {
            PolicyRouter.Routing routing = router.routing();
            if (routing == null || routing.champion() == ref || failed.contains(ref.version())) {
                throw e;
            }
            failed.add(ref.version());
            listener.onActFailed(index, ref.version(), e);
            for (int slot = 0; slot < numEnvs; slot++) {
                if (pinned[slot] == ref) {
                    unpin(slot);
                    pinned[slot] = router.acquireChampion();
                }
            }
            return false;
        }
    }

    private boolean allPinnedTo(PolicyRef ref) {
        for (PolicyRef p : pinned) {
            if (p != ref) {
                return false;
            }
        }
        return true;
    }

    /**
     * Acts the rows of the slots pinned to {@code ref} in one call and marks them done; false when
     * {@code ref} failed and its slots were re-pinned ({@link #tryAct}).
     */
    private boolean actGroup(PolicyRef ref) {
        float[] obs = envs.obs();
        int n = 0;
        for (int slot = 0; slot < numEnvs; slot++) {
            if (pinned[slot] == ref) {
                System.arraycopy(obs, slot * obsSize, groupObs, n * obsSize, obsSize);
                groupSlots[n++] = slot;
                grouped[slot] = true;
            }
        }
        if (!tryAct(ref, groupObs, n, groupActions, groupProbs)) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            int slot = groupSlots[i];
            actions[slot] = groupActions[i];
            behaviorProbs[slot] = groupProbs[i];
            versions[slot] = ref.version();
        }
        return true;
    }

    private void unpin(int slot) {
        if (pinned[slot] != null) {
            pinned[slot].release();
            pinned[slot] = null;
        }
    }

    private void unpinAll() {
        for (int slot = 0; slot < numEnvs; slot++) {
            unpin(slot);
        }
    }

    private void publish(long now) {
        float[] prevObs = envs.prevObs();
        float[] nextObs = envs.nextObs();
        float[] rewards = envs.rewards();
        boolean[] terminated = envs.terminated();
        boolean[] truncated = envs.truncated();
        int[] stepIndex = envs.stepIndex();
        long[] episodeIndex = envs.episodeIndex();
        for (int slot = 0; slot < numEnvs; slot++) {
            if (episodeIndex[slot] != slotEpisode[slot]) {
                slotEpisode[slot] = episodeIndex[slot];
                episodeIds[slot] = ids.episodeId(slot, episodeIndex[slot]);
                keys[slot] = episodeIds[slot].getBytes(StandardCharsets.UTF_8);
            }
            byte[] value =
                    encoder.encode(
                            actorIds[slot],
                            episodeIds[slot],
                            stepIndex[slot],
                            now,
                            prevObs,
                            nextObs,
                            slot * obsSize,
                            actions[slot],
                            rewards[slot],
                            terminated[slot],
                            truncated[slot],
                            behaviorProbs[slot],
                            versions[slot]);
            publisher.send(keys[slot], value);
            returns[slot] += rewards[slot];
            if (terminated[slot] || truncated[slot]) {
                metrics.episodeFinished(returns[slot]);
                returns[slot] = 0;
            }
        }
    }

    public int index() {
        return index;
    }

    /** Environment steps taken (transitions published) by this actor. */
    public long steps() {
        return steps;
    }

    /** The version of the last batch of actions (-1 before the first). */
    public long actingVersion() {
        return actingVersion;
    }
}
