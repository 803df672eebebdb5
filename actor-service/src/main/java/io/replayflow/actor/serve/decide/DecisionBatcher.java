package io.replayflow.actor.serve.decide;

import io.replayflow.actor.serve.SessionTable.Session;
import io.replayflow.actor.serve.log.ServeLog;
import io.replayflow.policy.assign.PolicyRouter;
import io.replayflow.policy.swap.PolicyHolder;
import io.replayflow.policy.swap.PolicyRef;
import io.replayflow.schemas.avro.Decision;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Micro-batches concurrent decision requests into one policy call.
 *
 * <p>One thread takes the first waiting request, then gathers more until {@code maxBatch} are in
 * hand or {@code maxWait} has passed since the first (so no request waits longer than {@code
 * maxWait} for company, plus one policy call per version in the batch). Each decision records the
 * version that chose it and the exact probability of its action under that version. Each decision
 * is appended to the {@link ServeLog}; its future completes when the log has it.
 *
 * <p>Which version acts:
 *
 * <ul>
 *   <li>While the policy's {@link PolicyRouter} has no assignment, the whole batch acts with the
 *       newest version (one {@link PolicyHolder#acquire()}), so a hot-swap never splits a batch.
 *   <li>Once it has one, each session is pinned at its first routed decision to the champion or the
 *       canary by the stable hash of its id ({@link Session#acquire}) and keeps that version to its
 *       end, so a promotion or rollback applies from the next session on; the batch calls each
 *       version once on the rows of its sessions (one call when all share a version).
 * </ul>
 *
 * <p>Thread-safe {@link #submit}; the queue is bounded and a full queue refuses at once ({@link
 * OverloadedException}) rather than letting latency grow without bound.
 */
public final class DecisionBatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DecisionBatcher.class);

    /**
     * What the batcher needs to name its decisions.
     *
     * @param instanceTag distinguishes this process's decision ids from other instances' (no ':'),
     *     e.g. a random hex word drawn at start
     */
    public record Identity(String policy, String envId, String serviceId, String instanceTag) {
        public Identity {
            Objects.requireNonNull(policy, "policy");
            Objects.requireNonNull(envId, "envId");
            Objects.requireNonNull(serviceId, "serviceId");
            if (instanceTag.indexOf(':') >= 0) {
                throw new IllegalArgumentException("instanceTag must not contain ':'");
            }
        }
    }

    /**
     * @param admitted {@link System#nanoTime()} at admission
     */
    private record Pending(
            DecisionRequest request,
            Session session,
            CompletableFuture<Decision> result,
            long admitted) {}

    private final PolicyHolder holder;
    private final PolicyRouter router;
    private final DecisionChooser chooser;
    private final ServeLog log;
    private final Identity identity;
    private final InstantSource clock;
    private final int maxBatch;
    private final long maxWaitNanos;
    private final BatcherListener listener;
    private final BlockingQueue<Pending> queue;
    private final int capacity;

    /** Places in {@link #queue}: taken on admission, given back as the batching thread takes. */
    private final Semaphore places;

    private final Thread thread;
    private volatile boolean running = true;
    private long sequence;

    /**
     * @param listener hears every batch and each stage's time (metrics)
     * @param queueCapacity requests that may wait; more are refused
     */
    public DecisionBatcher(
            PolicyHolder holder,
            PolicyRouter router,
            DecisionChooser chooser,
            ServeLog log,
            Identity identity,
            InstantSource clock,
            int maxBatch,
            Duration maxWait,
            int queueCapacity,
            BatcherListener listener) {
        this.holder = Objects.requireNonNull(holder, "holder");
        this.router = Objects.requireNonNull(router, "router");
        this.chooser = Objects.requireNonNull(chooser, "chooser");
        this.log = Objects.requireNonNull(log, "log");
        this.identity = Objects.requireNonNull(identity, "identity");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (maxBatch < 1 || queueCapacity < maxBatch) {
            throw new IllegalArgumentException(
                    "maxBatch must be >= 1 and queueCapacity >= maxBatch; got maxBatch="
                            + maxBatch
                            + ", queueCapacity="
                            + queueCapacity);
        }
        this.maxBatch = maxBatch;
        this.maxWaitNanos = maxWait.toNanos();
        this.capacity = queueCapacity;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.places = new Semaphore(queueCapacity);
        this.listener = Objects.requireNonNull(listener, "listener");
        this.sequence = clock.millis() * 1000; // increasing across restarts of one service id
        this.thread = new Thread(this::run, "replayflow-serve-batcher");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /**
     * Queues a request of {@code session} (the {@link io.replayflow.actor.serve.SessionTable}'s
     * entry for its id); the future completes with the logged decision, or exceptionally with
     * {@link OverloadedException} (queue full) or the log's failure.
     */
    public CompletableFuture<Decision> submit(DecisionRequest request, Session session) {
        CompletableFuture<Decision> result = new CompletableFuture<>();
        if (running && places.tryAcquire()) {
            queue.add(new Pending(request, session, result, System.nanoTime()));
            refuseIfClosed();
        } else {
            result.completeExceptionally(new OverloadedException(capacity));
        }
        return result;
    }

    /** Requests that may wait at once: the most one batch call may hold. */
    public int capacity() {
        return capacity;
    }

    /**
     * Queues the requests of one batch call all or none: when the queue has no room for every one
     * of them, each future fails with {@link OverloadedException} and none is acted on or logged.
     * (Admitted one by one, a full queue would refuse the tail of a batch after its head had been
     * logged, and the client, answered 503, would never learn the logged decisions it did not act
     * on.)
     *
     * @param sessions the session entry of each request, in the same order
     */
    public List<CompletableFuture<Decision>> submitAll(
            List<DecisionRequest> requests, List<Session> sessions) {
        List<CompletableFuture<Decision>> results = new ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            results.add(new CompletableFuture<>());
        }
        if (running && places.tryAcquire(requests.size())) {
            long admitted = System.nanoTime();
            for (int i = 0; i < requests.size(); i++) {
                queue.add(new Pending(requests.get(i), sessions.get(i), results.get(i), admitted));
            }
            refuseIfClosed();
        } else {
            results.forEach(r -> r.completeExceptionally(new OverloadedException(capacity)));
        }
        return results;
    }

    private void run() {
        Acting acting = new Acting(maxBatch);
        List<Pending> batch = new ArrayList<>(maxBatch);
        while (running) {
            try {
                gather(batch);
            } catch (InterruptedException e) {
                break;
            }
            if (batch.isEmpty()) {
                continue;
            }
            listener.batch(batch.size());
            long started = System.nanoTime();
            for (int i = 0; i < batch.size(); i++) {
                listener.took(DecisionStage.WAIT, started - batch.get(i).admitted());
            }
            try {
                if (router.assigned()) {
                    actRouted(batch, acting);
                } else {
                    actNewest(batch, acting);
                }
                listener.took(DecisionStage.ACT, System.nanoTime() - started);
                long now = clock.millis();
                for (int i = 0; i < batch.size(); i++) {
                    Pending p = batch.get(i);
                    Decision d =
                            decision(
                                    p.request(),
                                    acting.refs[i],
                                    acting.actions[i],
                                    acting.probs[i],
                                    now);
                    long appended = System.nanoTime();
                    log.append(d)
                            .whenComplete(
                                    (ok, error) -> {
                                        long done = System.nanoTime();
                                        listener.took(DecisionStage.LOG, done - appended);
                                        listener.took(DecisionStage.ANSWER, done - p.admitted());
                                        if (error == null) {
                                            p.result().complete(d);
                                        } else {
                                            p.result().completeExceptionally(error);
                                        }
                                    });
                }
            } catch (RuntimeException e) {
                LOG.error("a batch of {} decisions failed", batch.size(), e);
                batch.forEach(p -> p.result().completeExceptionally(e));
            } finally {
                acting.releaseAll();
                batch.clear();
            }
        }
        refuseQueued();
    }

    /**
     * After an admission: when {@link #close()} began meanwhile, the batching thread may already
     * have drained the queue for the last time, so the caller refuses what is left itself (each
     * queued request is drained, and answered, by exactly one thread).
     */
    private void refuseIfClosed() {
        if (!running) {
            refuseQueued();
        }
    }

    private void refuseQueued() {
        List<Pending> left = new ArrayList<>();
        queue.drainTo(left);
        left.forEach(p -> p.result().completeExceptionally(new OverloadedException(capacity)));
    }

    /**
     * The batching thread's working arrays, reused batch after batch: row i's version, action and
     * probability, the references held until {@link #releaseAll} (one for the batch without an
     * assignment, one per row with one), and the rows gathered for one grouped call.
     */
    private static final class Acting {
        final PolicyRef[] refs; // [maxBatch]
        final PolicyRef[] held; // [maxBatch]
        int heldCount;
        final int[] actions; // [maxBatch]
        final float[] probs; // [maxBatch]
        final int[][] allowed; // [maxBatch]
        final boolean[] done; // [maxBatch] rows already acted in this batch
        final int[] rows; // [maxBatch] the batch rows of one group
        final int[] groupActions; // [maxBatch]
        final float[] groupProbs; // [maxBatch]
        final int[][] groupAllowed; // [maxBatch]
        float[] obs = new float[0]; // [maxBatch * observationSize]

        Acting(int maxBatch) {
            refs = new PolicyRef[maxBatch];
            held = new PolicyRef[maxBatch];
            actions = new int[maxBatch];
            probs = new float[maxBatch];
            allowed = new int[maxBatch][];
            done = new boolean[maxBatch];
            rows = new int[maxBatch];
            groupActions = new int[maxBatch];
            groupProbs = new float[maxBatch];
            groupAllowed = new int[maxBatch][];
        }

        float[] obs(int rowsNeeded, int size) {
            if (obs.length < rowsNeeded * size) {
                obs = new float[refs.length * size];
            }
            return obs;
        }

        void hold(PolicyRef ref) {
            held[heldCount++] = ref;
        }

        void releaseAll() {
            for (int i = 0; i < heldCount; i++) {
                held[i].release();
                held[i] = null;
            }
            heldCount = 0;
        }
    }

    /** No assignment: every row with the holder's newest version, in one call. */
    private void actNewest(List<Pending> batch, Acting acting) {
        PolicyRef ref = holder.acquire();
        acting.hold(ref);
        int size = ref.policy().observationSize();
        float[] obs = acting.obs(batch.size(), size);
        for (int i = 0; i < batch.size(); i++) {
            DecisionRequest r = batch.get(i).request();
            System.arraycopy(r.obs(), 0, obs, i * size, size);
            acting.allowed[i] = r.allowed();
            acting.refs[i] = ref;
        }
        chooser.choose(
                ref.policy(), obs, batch.size(), acting.allowed, acting.actions, acting.probs);
    }

    /** Each row with its session's pinned version, one call per version. */
    private void actRouted(List<Pending> batch, Acting acting) {
        int n = batch.size();
        for (int i = 0; i < n; i++) {
            acting.refs[i] = batch.get(i).session().acquire(router);
            acting.hold(acting.refs[i]);
            acting.done[i] = false;
        }
        for (int first = 0; first < n; first++) {
            if (!acting.done[first]) {
                actGroup(batch, acting, acting.refs[first]);
            }
        }
    }

    /** Acts the rows whose version is {@code ref} in one call and marks them done. */
    private void actGroup(List<Pending> batch, Acting acting, PolicyRef ref) {
        int size = ref.policy().observationSize();
        float[] obs = acting.obs(batch.size(), size);
        int k = 0;
        for (int i = 0; i < batch.size(); i++) {
            if (!acting.done[i] && acting.refs[i] == ref) {
                DecisionRequest r = batch.get(i).request();
                System.arraycopy(r.obs(), 0, obs, k * size, size);
                acting.groupAllowed[k] = r.allowed();
                acting.rows[k++] = i;
                acting.done[i] = true;
            }
        }
        chooser.choose(
                ref.policy(), obs, k, acting.groupAllowed, acting.groupActions, acting.groupProbs);
        for (int j = 0; j < k; j++) {
            int row = acting.rows[j];
            acting.actions[row] = acting.groupActions[j];
            acting.probs[row] = acting.groupProbs[j];
        }
    }

    private void gather(List<Pending> batch) throws InterruptedException {
        Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
            return;
        }
        batch.add(first);
        queue.drainTo(batch, maxBatch - 1);
        long deadline = System.nanoTime() + maxWaitNanos;
        while (batch.size() < maxBatch) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            Pending next = queue.poll(left, TimeUnit.NANOSECONDS);
            if (next == null) {
                break;
            }
            batch.add(next);
            queue.drainTo(batch, maxBatch - batch.size());
        }
        places.release(batch.size());
    }

    private Decision decision(
            DecisionRequest r, PolicyRef ref, int action, float probability, long now) {
        long seq = ++sequence;
        List<Float> obs = new ArrayList<>(r.obs().length);
        for (float v : r.obs()) {
            obs.add(v);
        }
        List<Integer> allowed = null;
        if (r.allowed() != null) {
            allowed = new ArrayList<>(r.allowed().length);
            for (int a : r.allowed()) {
                allowed.add(a);
            }
        }
        return Decision.newBuilder()
                .setDecisionId(r.sessionId() + ":" + identity.instanceTag() + Long.toHexString(seq))
                .setSessionId(r.sessionId())
                .setPolicy(identity.policy())
                .setPolicyVersion(ref.version())
                .setEnvId(identity.envId())
                .setServiceId(identity.serviceId())
                .setSequence(seq)
                .setEventTimeMs(now)
                .setObs(obs)
                .setAction(action)
                .setProbability(probability)
                .setNumActions(ref.policy().numActions())
                .setAllowedActions(allowed)
                .build();
    }

    /** Stops taking requests; requests still queued fail with {@link OverloadedException}. */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
