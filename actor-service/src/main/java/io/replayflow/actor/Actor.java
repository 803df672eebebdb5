package io.replayflow.actor;

import io.replayflow.actor.env.VectorEnv;
import io.replayflow.actor.metrics.ActorMetrics;
import io.replayflow.actor.policy.EpsilonGreedy;
import io.replayflow.actor.publish.TransitionEncoder;
import io.replayflow.actor.publish.TransitionPublisher;
import io.replayflow.policy.Policy;
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
 * <p>A recurrent policy ({@link io.replayflow.policy.Policy#stateSize()} &gt; 0) gets one state per
 * slot: zeros at each episode's first step (auto-resets included), then the next state it returned
 * for the slot's previous step. Whatever the mode, a slot's episode keeps its recurrent version to
 * its end: a hot swap, a first assignment or a swap to a recurrent version applies from the slot's
 * next episode, so a state is only ever fed to the network that produced it (feed-forward versions
 * still swap between two vector steps, as before). Inference stays one call per version present in
 * the step.
 *
 * <p>If inference with a version other than the champion throws (a canary that loaded but cannot
 * act), the actor tells its {@link ActingListener#onActFailed} (the runner reports it on {@code
 * rf.policy.failures}), gives that version no more episodes and finishes its running episodes on
 * the champion from that step on: the step is acted again by the champion, so no step is dropped,
 * and each transition still carries the version that chose it and its exact behaviour probability.
 * A recurrent state from the failed version is not carried over: the champion starts those slots
 * from zeros. A failing champion stops the actor.
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
    private final PolicyRef[] pinned; // [numEnvs] the version acting each slot's episode
    private final long[] pinnedEpisode; // [numEnvs] the episode index pinned[slot] belongs to
    private final boolean[] routedPin; // [numEnvs] pinned[slot] was chosen by the router
    private float[] states = new float[0]; // [numEnvs * stride] slot i's state at i * stride
    private float[] groupState = new float[0]; // [numEnvs * stride]
    private int stride; // floats per slot in states: the largest stateSize pinned so far
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
        this.routedPin = new boolean[numEnvs];
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
        run(maxVectorSteps, maxStepsPerSecond, stop, StepGate.OPEN);
    }

    /**
     * As {@link #run(long, double, BooleanSupplier)}, each vector step also waiting until {@code
     * gate} lets it go.
     */
    public void run(
            long maxVectorSteps, double maxStepsPerSecond, BooleanSupplier stop, StepGate gate) {
        Objects.requireNonNull(gate, "gate");
        envs.reset();
        try {
            loop(maxVectorSteps, maxStepsPerSecond, stop, gate);
        } finally {
            unpinAll();
        }
    }

    private void loop(
            long maxVectorSteps, double maxStepsPerSecond, BooleanSupplier stop, StepGate gate) {
        long interval = maxStepsPerSecond > 0 ? (long) (1e9 * numEnvs / maxStepsPerSecond) : 0;
        long due = System.nanoTime();
        for (long done = 0; (maxVectorSteps == 0 || done < maxVectorSteps); done++) {
            if (stop.getAsBoolean()) {
                return;
            }
            if (!gate.mayStep(steps)) {
                while (!gate.mayStep(steps)) {
                    if (stop.getAsBoolean()) {
                        return;
                    }
                    LockSupport.parkNanos(StepGate.POLL_NANOS);
                }
                due = System.nanoTime(); // held back: the throttle starts again from now
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

    /**
     * Every slot with the holder's current version (one call when all share it); returns the lowest
     * version that acted. A slot whose running episode has or would get a recurrent version keeps
     * its version until the episode ends.
     */
    private long actNewest() {
        PolicyRef newest = holder.acquire();
        try {
            long[] episode = envs.currentEpisode();
            for (int slot = 0; slot < numEnvs; slot++) {
                PolicyRef current = pinned[slot];
                boolean running = current != null && pinnedEpisode[slot] == episode[slot];
                if (current == newest) {
                    if (!running) {
                        startEpisode(slot, episode[slot]);
                    }
                } else if (!running || !(isRecurrent(current) || isRecurrent(newest))) {
                    if (!newest.tryRetain()) {
                        throw new IllegalStateException("policy v" + newest.version() + " closed");
                    }
                    pin(slot, newest, episode[slot], false);
                }
            }
            return actPinned();
        } finally {
            newest.release();
        }
    }

    /**
     * Each slot with its episode's pinned version, one call per version; returns the lowest version
     * that acted. An episode running when the first assignment arrives switches once to its
     * assigned version, unless either version is recurrent (then it finishes on its own).
     */
    private long actRouted() {
        long[] episode = envs.currentEpisode();
        for (int slot = 0; slot < numEnvs; slot++) {
            PolicyRef current = pinned[slot];
            boolean running = current != null && pinnedEpisode[slot] == episode[slot];
            if (running && routedPin[slot]) {
                continue;
            }
            PolicyRef next = acquireFor(ids.episodeId(slot, episode[slot]));
            if (running && (next == current || isRecurrent(current) || isRecurrent(next))) {
                next.release();
                routedPin[slot] = next == current;
                continue;
            }
            pin(slot, next, episode[slot], true);
        }
        return actPinned();
    }

    /** Acts every slot with {@code pinned[slot]}; returns the lowest version that acted. */
    private long actPinned() {
        while (true) { // each failed act re-pins its slots to the champion: at most a few rounds
            PolicyRef first = pinned[0];
            int size = first.policy().stateSize();
            if (allPinnedTo(first) && (size == 0 || size == stride)) {
                if (tryAct(first, envs.obs(), states, numEnvs, null, actions, behaviorProbs)) {
                    Arrays.fill(versions, first.version());
                    return first.version();
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
     * Acts {@code n} rows with {@code ref} (row i is slot {@code slotOfRow[i]}, or slot i when
     * null; it picks the row's ε). If it throws and is not the champion (a canary, or a version
     * kept by running episodes after a rollback), the failure is reported, the version gets no more
     * episodes from this actor, its slots are pinned to the champion and false is returned so the
     * caller acts again. A failing champion stops the actor as before.
     */
    private boolean tryAct(
            PolicyRef ref,
            float[] obs,
            float[] state,
            int n,
            int[] slotOfRow,
            int[] outActions,
            float[] outProbs) {
        try {
            Policy policy = ref.policy();
            if (policy.stateSize() == 0) {
                explorer.act(policy, steps, obs, n, slotOfRow, outActions, outProbs);
            } else {
                explorer.act(policy, steps, obs, state, n, slotOfRow, outActions, outProbs, state);
            }
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
                    pin(slot, router.acquireChampion(), pinnedEpisode[slot], true);
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
        int size = ref.policy().stateSize();
        int n = 0;
        for (int slot = 0; slot < numEnvs; slot++) {
            if (pinned[slot] == ref) {
                System.arraycopy(obs, slot * obsSize, groupObs, n * obsSize, obsSize);
                System.arraycopy(states, slot * stride, groupState, n * size, size);
                groupSlots[n++] = slot;
                grouped[slot] = true;
            }
        }
        if (!tryAct(ref, groupObs, groupState, n, groupSlots, groupActions, groupProbs)) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            int slot = groupSlots[i];
            actions[slot] = groupActions[i];
            behaviorProbs[slot] = groupProbs[i];
            versions[slot] = ref.version();
            System.arraycopy(groupState, i * size, states, slot * stride, size);
        }
        return true;
    }

    private static boolean isRecurrent(PolicyRef ref) {
        return ref.policy().stateSize() > 0;
    }

    /**
     * Makes {@code ref} (whose reference the caller hands over) act the slot's episode {@code
     * episode}, from a zero state.
     */
    private void pin(int slot, PolicyRef ref, long episode, boolean routed) {
        unpin(slot);
        pinned[slot] = ref;
        routedPin[slot] = routed;
        startEpisode(slot, episode);
    }

    /** The slot's pinned version starts {@code episode}: its state is zeros. */
    private void startEpisode(int slot, long episode) {
        pinnedEpisode[slot] = episode;
        int size = pinned[slot].policy().stateSize();
        if (size > stride) {
            float[] wider = new float[numEnvs * size];
            for (int i = 0; i < numEnvs; i++) {
                System.arraycopy(states, i * stride, wider, i * size, stride);
            }
            states = wider;
            groupState = new float[numEnvs * size];
            stride = size;
        }
        Arrays.fill(states, slot * stride, (slot + 1) * stride, 0f);
    }

    private void unpin(int slot) {
        if (pinned[slot] != null) {
            pinned[slot].release();
            pinned[slot] = null;
            routedPin[slot] = false;
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
