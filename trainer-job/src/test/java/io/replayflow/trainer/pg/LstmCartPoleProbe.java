package io.replayflow.trainer.pg;

import io.replayflow.replay.segment.SegmentBatch;
import io.replayflow.schemas.policy.PolicyManifest;
import io.replayflow.trainer.TransitionSpec;
import io.replayflow.trainer.export.PolicyArtifact;
import io.replayflow.trainer.export.PolicyExporter;
import io.replayflow.trainer.testing.CartPoleLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/**
 * The trainer side of an LSTM policy learning CartPole-v1 in isolation from the pipeline: 16
 * CartPole copies act with the exported recurrent SavedModel (one state per copy, zeros at each
 * episode's start, the state fed back), their steps are cut into segments of 20 with episode keys
 * and first steps as the segment dataset serves them, and the {@link PolicyGradientLearner}
 * (impala, burn-in 20) trains on them, exporting a new version every 10 updates. A measurement, not
 * a test (the pipeline's actors act with recurrent policies on the actor side's branch).
 *
 * <p>Simplification against the real actors: a new version applies to every copy at once, its
 * running state carried over (the actors switch at each copy's next episode).
 *
 * <pre>
 * java -cp ... io.replayflow.trainer.pg.LstmCartPoleProbe [maxEnvSteps] [seed] [masked] [uses=N] [trainer.KEY=VALUE...]
 * </pre>
 *
 * <p>{@code masked}: the learner and the policy see CartPole-v1-masked's observation (cart position
 * and pole angle only).
 */
public final class LstmCartPoleProbe {

    private static final int ENVS = 16, T = 20, B = 8, UNITS = 64, OBS = 4;

    /** The observed components of the state: all four, or CartPole-v1-masked's two. */
    private static int[] observed = {0, 1, 2, 3};

    private static int uses = 1;

    private static final class Copy {
        double[] s = new double[OBS];
        int t;
        int episode;
        float ret;
        final float[] h = new float[UNITS], c = new float[UNITS];
        final List<float[]> obs = new ArrayList<>();
        final List<float[]> step = new ArrayList<>(); // action, reward, mu, terminated
        long segmentStart;
    }

    public static void main(String[] args) throws Exception {
        long maxSteps = args.length > 0 ? Long.parseLong(args[0]) : 300_000;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 1;
        Map<String, String> settings =
                new java.util.HashMap<>(
                        Map.ofEntries(
                                Map.entry("trainer.algo", "impala"),
                                Map.entry("trainer.pg.network", "lstm"),
                                Map.entry("trainer.actor-critic.hidden", "64"),
                                Map.entry("trainer.pg.lstm-units", "64"),
                                Map.entry("trainer.pg.burn-in", "20"),
                                Map.entry("trainer.lr", "0.001"),
                                Map.entry("trainer.batch-size", String.valueOf(B)),
                                Map.entry("trainer.gamma", "0.99"),
                                Map.entry("trainer.seed", String.valueOf(seed)),
                                Map.entry("trainer.threads.intra-op", "1")));
        for (int i = 2; i < args.length; i++) { // masked, trainer.KEY=VALUE overrides
            if ("masked".equals(args[i])) {
                observed = new int[] {0, 2};
                continue;
            }
            if (args[i].startsWith("uses=")) {
                uses = Integer.parseInt(args[i].substring("uses=".length()));
                continue;
            }
            int eq = args[i].indexOf('=');
            settings.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        SegmentConfig config = SegmentConfig.fromMap(settings);
        SplittableRandom rng = new SplittableRandom(seed);
        Path root = Files.createTempDirectory("lstm-cartpole");
        PolicyExporter exporter = new PolicyExporter(root, InstantSource.system());
        PolicyManifest.Lineage lineage =
                new PolicyManifest.Lineage(List.of("probe"), null, null, 0, List.of());
        Copy[] copies = new Copy[ENVS];
        for (int e = 0; e < ENVS; e++) {
            copies[e] = new Copy();
            reset(copies[e], rng);
            copies[e].episode = e;
        }
        int nextEpisode = ENVS;
        ArrayDeque<SegmentBatch> segments = new ArrayDeque<>();
        ArrayDeque<Float> returns = new ArrayDeque<>();
        long start = System.nanoTime();
        try (PolicyGradientLearner learner =
                PolicyGradientLearner.create(
                        config, TransitionSpec.vector(observed.length, 2), T)) {
            PolicyArtifact artifact = exporter.export(learner.snapshot("probe", lineage), 0);
            SavedModelBundle model = SavedModelBundle.load(artifact.dir().toString());
            long version = artifact.version();
            long updates = 0;
            long envSteps = 0;
            long nextReport = 10_000;
            int in = observed.length;
            float[] obs = new float[ENVS * in];
            float[] h = new float[ENVS * UNITS], c = new float[ENVS * UNITS];
            float[] logits = new float[ENVS * 2];
            while (envSteps < maxSteps) {
                for (int e = 0; e < ENVS; e++) {
                    for (int k = 0; k < in; k++) {
                        obs[e * in + k] = (float) copies[e].s[observed[k]];
                    }
                    System.arraycopy(copies[e].h, 0, h, e * UNITS, UNITS);
                    System.arraycopy(copies[e].c, 0, c, e * UNITS, UNITS);
                }
                try (TFloat32 o = tensor(obs, in);
                        TFloat32 th = tensor(h, UNITS);
                        TFloat32 tc = tensor(c, UNITS);
                        Result r =
                                model.session()
                                        .runner()
                                        .feed("obs", o)
                                        .feed("state_h", th)
                                        .feed("state_c", tc)
                                        .fetch("logits")
                                        .fetch("next_state_h")
                                        .fetch("next_state_c")
                                        .run()) {
                    ((TFloat32) r.get(0)).asRawTensor().data().asFloats().read(logits);
                    ((TFloat32) r.get(1)).asRawTensor().data().asFloats().read(h);
                    ((TFloat32) r.get(2)).asRawTensor().data().asFloats().read(c);
                }
                for (int e = 0; e < ENVS; e++) {
                    Copy cp = copies[e];
                    double p1 = 1 / (1 + Math.exp(logits[2 * e] - logits[2 * e + 1]));
                    int a = rng.nextDouble() < p1 ? 1 : 0;
                    float mu = (float) (a == 1 ? p1 : 1 - p1);
                    double[] next = CartPoleLog.step(cp.s, a);
                    boolean terminated =
                            Math.abs(next[0]) > 2.4 || Math.abs(next[2]) > 12 * 2 * Math.PI / 360;
                    boolean truncated = !terminated && cp.t + 1 == 500;
                    cp.obs.add(toFloats(cp.s));
                    cp.step.add(new float[] {a, 1f, Math.max(mu, 1e-6f), terminated ? 1f : 0f});
                    cp.ret += 1f;
                    cp.t++;
                    envSteps++;
                    System.arraycopy(h, e * UNITS, cp.h, 0, UNITS);
                    System.arraycopy(c, e * UNITS, cp.c, 0, UNITS);
                    boolean done = terminated || truncated;
                    if (cp.obs.size() == T || done) {
                        segments.add(segment(cp, next, terminated));
                    }
                    if (done) {
                        returns.addLast(cp.ret);
                        if (returns.size() > 100) {
                            returns.removeFirst();
                        }
                        reset(cp, rng);
                        cp.episode = nextEpisode++;
                    } else {
                        cp.s = next;
                    }
                }
                while (segments.size() >= B) {
                    SegmentBatch batch = merge(segments);
                    for (int u = 0; u < uses; u++) {
                        learner.step(batch, version, 0);
                    }
                    updates++;
                    if (updates % 10 == 0) {
                        model.close();
                        artifact = exporter.export(learner.snapshot("probe", lineage), version);
                        model = SavedModelBundle.load(artifact.dir().toString());
                        version = artifact.version();
                    }
                }
                if (envSteps >= nextReport) {
                    nextReport += 10_000;
                    double mean = returns.stream().mapToDouble(x -> x).average().orElse(0);
                    System.out.printf(
                            "env steps %,d  updates %,d  mean return (last 100 episodes,"
                                    + " sampling) %.1f  zero-state segments %d  %.0f s%n",
                            envSteps,
                            updates,
                            mean,
                            learner.zeroStateSegments(),
                            (System.nanoTime() - start) / 1e9);
                    if (returns.size() == 100 && mean >= 475) {
                        System.out.println("solved (sampling policy, last 100 episodes >= 475)");
                        break;
                    }
                }
            }
            model.close();
        }
    }

    private static void reset(Copy cp, SplittableRandom rng) {
        cp.s = new double[OBS];
        for (int k = 0; k < OBS; k++) {
            cp.s[k] = rng.nextDouble(-0.05, 0.05);
        }
        cp.t = 0;
        cp.ret = 0;
        cp.segmentStart = 0;
        Arrays.fill(cp.h, 0f);
        Arrays.fill(cp.c, 0f);
        cp.obs.clear();
        cp.step.clear();
    }

    /** The copy's pending steps as one segment (the copy's buffer is emptied). */
    private static SegmentBatch segment(Copy cp, double[] next, boolean terminated) {
        int in = observed.length;
        SegmentBatch b = SegmentBatch.allocate(1, T, in);
        for (int t = 0; t < cp.obs.size(); t++) {
            System.arraycopy(cp.obs.get(t), 0, b.obs(), t * in, in);
            float[] st = cp.step.get(t);
            b.actions()[t] = (int) st[0];
            b.rewards()[t] = st[1];
            b.behaviorProbs()[t] = st[2];
            b.terminated()[t] = st[3];
            b.valid()[t] = 1f;
        }
        System.arraycopy(toFloats(next), 0, b.bootstrapObs(), 0, in);
        b.bootstrapAlive()[0] = terminated ? 0f : 1f;
        b.episodeKeys()[0] = "episode-" + cp.episode;
        b.firstSteps()[0] = cp.segmentStart;
        cp.segmentStart += cp.obs.size();
        cp.obs.clear();
        cp.step.clear();
        return b;
    }

    /** {@code B} single segments from the queue's head, in order, as one batch. */
    private static SegmentBatch merge(ArrayDeque<SegmentBatch> queue) {
        int in = observed.length;
        SegmentBatch out = SegmentBatch.allocate(B, T, in);
        for (int s = 0; s < B; s++) {
            SegmentBatch one = queue.removeFirst();
            System.arraycopy(one.obs(), 0, out.obs(), s * T * in, T * in);
            System.arraycopy(one.actions(), 0, out.actions(), s * T, T);
            System.arraycopy(one.rewards(), 0, out.rewards(), s * T, T);
            System.arraycopy(one.behaviorProbs(), 0, out.behaviorProbs(), s * T, T);
            System.arraycopy(one.terminated(), 0, out.terminated(), s * T, T);
            System.arraycopy(one.valid(), 0, out.valid(), s * T, T);
            System.arraycopy(one.bootstrapObs(), 0, out.bootstrapObs(), s * in, in);
            out.bootstrapAlive()[s] = one.bootstrapAlive()[0];
            out.episodeKeys()[s] = one.episodeKeys()[0];
            out.firstSteps()[s] = one.firstSteps()[0];
        }
        return out;
    }

    private static float[] toFloats(double[] s) {
        float[] f = new float[observed.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) s[observed[i]];
        }
        return f;
    }

    private static TFloat32 tensor(float[] data, int width) {
        return TFloat32.tensorOf(
                Shape.of(data.length / width, width), DataBuffers.of(data, true, false));
    }
}
