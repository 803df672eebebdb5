package io.replayflow.trainer.r2d2;

import io.replayflow.replay.segment.SegmentBatch;
import io.replayflow.schemas.policy.PolicyManifest;
import io.replayflow.trainer.TransitionSpec;
import io.replayflow.trainer.checkpoint.CheckpointStore;
import io.replayflow.trainer.export.PolicyArtifact;
import io.replayflow.trainer.export.PolicyExporter;
import io.replayflow.trainer.pg.PgStepMetrics;
import io.replayflow.trainer.pg.PolicyGradientLearner;
import io.replayflow.trainer.pg.SegmentConfig;
import io.replayflow.trainer.pg.SegmentLearner;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.tensorflow.Graph;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.proto.NodeDef;

/**
 * A check by hand that a refactoring of the segment learners or the training graphs changed
 * nothing: writes, for seven segment-learner settings (a2c, reinforce, impala, lstm with and
 * without burn-in, r2d2 hard and Polyak), each graph's nodes (sorted), the bits of the first seeded
 * losses, weight hashes, a checkpoint, the export's manifest and SavedModel signatures, and the
 * losses after restoring a checkpoint (this run's, or another checkout's given as {@code
 * replayflow.probe.ckpt}); and the nodes of {@link io.replayflow.trainer.graph.TrainingGraph} for
 * the value-based algorithms. Run it in two checkouts (the second restoring the first's
 * checkpoints) and diff the two folders:
 *
 * <pre>
 * ./mvnw -B -o -q -pl trainer-job -am test -Dtest=SegmentLearnerProbe \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dreplayflow.probe.out=/tmp/before
 * (other checkout) ... -Dreplayflow.probe.out=/tmp/after -Dreplayflow.probe.ckpt=/tmp/before
 * </pre>
 *
 * Not a test (it asserts nothing; surefire runs it only when named): a measurement to diff.
 */
@Timeout(600)
@EnabledIfSystemProperty(named = "replayflow.probe.out", matches = ".+")
class SegmentLearnerProbe {
    static final int OBS = 4, A = 2, T = 6, B = 3;
    static final TransitionSpec SPEC = TransitionSpec.vector(OBS, A);

    static Map<String, Map<String, String>> cases() {
        Map<String, Map<String, String>> c = new java.util.LinkedHashMap<>();
        c.put("a2c-ff", Map.of("trainer.algo", "a2c"));
        c.put(
                "reinforce-ff",
                Map.of("trainer.algo", "reinforce", "trainer.pg.reward-scale", "0.5"));
        c.put("impala-ff", Map.of("trainer.algo", "impala"));
        c.put(
                "impala-lstm",
                Map.of(
                        "trainer.algo",
                        "impala",
                        "trainer.pg.network",
                        "lstm",
                        "trainer.pg.lstm-units",
                        "5",
                        "trainer.pg.burn-in",
                        "3",
                        "trainer.pg.reward-scale",
                        "0.5"));
        c.put(
                "a2c-lstm-noburn",
                Map.of(
                        "trainer.algo",
                        "a2c",
                        "trainer.pg.network",
                        "lstm",
                        "trainer.pg.lstm-units",
                        "4",
                        "trainer.pg.burn-in",
                        "0"));
        c.put(
                "r2d2",
                Map.of(
                        "trainer.algo",
                        "r2d2",
                        "trainer.pg.network",
                        "lstm",
                        "trainer.pg.lstm-units",
                        "5",
                        "trainer.pg.burn-in",
                        "3",
                        "trainer.hidden",
                        "8",
                        "trainer.target.update-period",
                        "2",
                        "trainer.n-step",
                        "2",
                        "trainer.pg.reward-scale",
                        "0.5"));
        c.put(
                "r2d2-polyak-noburn",
                Map.of(
                        "trainer.algo",
                        "r2d2",
                        "trainer.pg.network",
                        "lstm",
                        "trainer.pg.lstm-units",
                        "4",
                        "trainer.pg.burn-in",
                        "0",
                        "trainer.hidden",
                        "8,6",
                        "trainer.target.update-period",
                        "1",
                        "trainer.target.tau",
                        "0.5",
                        "trainer.loss",
                        "mse"));
        return c;
    }

    static SegmentConfig config(Map<String, String> more) {
        Map<String, String> m = new HashMap<>();
        m.put("trainer.seed", "11");
        m.put("trainer.lr", "0.01");
        m.put("trainer.actor-critic.hidden", "8");
        m.put("trainer.threads.intra-op", "1");
        m.put("trainer.threads.inter-op", "1");
        m.putAll(more);
        return SegmentConfig.fromMap(m);
    }

    static SegmentLearner create(SegmentConfig c) {
        return c.trainer().algo() == io.replayflow.trainer.Algo.R2D2
                ? RecurrentQLearner.create(c, SPEC, T)
                : PolicyGradientLearner.create(c, SPEC, T);
    }

    /** Batch k: segment k of episodes e0..e2; e2 ends (terminated, then padding) in batch 3. */
    static SegmentBatch batch(int k) {
        SplittableRandom rng = new SplittableRandom(1000 + k);
        SegmentBatch b = SegmentBatch.allocate(B, T, OBS);
        for (int i = 0; i < b.obs().length; i++) b.obs()[i] = (float) rng.nextDouble(-2, 2);
        for (int i = 0; i < b.bootstrapObs().length; i++)
            b.bootstrapObs()[i] = (float) rng.nextDouble(-2, 2);
        for (int s = 0; s < B; s++) {
            b.episodeKeys()[s] = "e" + s;
            b.firstSteps()[s] = (long) k * T;
            b.bootstrapAlive()[s] = 1f;
            for (int t = 0; t < T; t++) {
                int i = s * T + t;
                b.valid()[i] = 1f;
                b.actions()[i] = rng.nextInt(A);
                b.rewards()[i] = (float) rng.nextDouble(-1, 2);
                b.behaviorProbs()[i] = (float) rng.nextDouble(0.2, 0.9);
                b.policyVersions()[i] = k;
                b.eventTimeMs()[i] = 1000L * k + t;
            }
        }
        if (k == 3) {
            int s = 2;
            b.terminated()[s * T + 3] = 1f;
            b.valid()[s * T + 4] = 0f;
            b.valid()[s * T + 5] = 0f;
            b.bootstrapAlive()[s] = 0f;
        }
        return b;
    }

    static String m(PgStepMetrics m) {
        return m.toString()
                + " bits="
                + Integer.toHexString(Float.floatToRawIntBits(m.totalLoss()))
                + "/"
                + Integer.toHexString(Float.floatToRawIntBits(m.gradNorm()));
    }

    static String hash(List<float[]> w) {
        long h = 1;
        for (float[] a : w) h = 31 * h + Arrays.hashCode(a);
        return Long.toHexString(h) + " n=" + w.size();
    }

    static Graph graphOf(Object learner) throws Exception {
        for (Class<?> k = learner.getClass(); k != null; k = k.getSuperclass()) {
            for (Field f : k.getDeclaredFields()) {
                if (f.getType() == Graph.class) {
                    f.setAccessible(true);
                    return (Graph) f.get(learner);
                }
            }
        }
        throw new IllegalStateException("no graph field");
    }

    static List<String> nodes(Graph g) {
        List<String> out = new ArrayList<>();
        for (NodeDef n : g.toGraphDef().getNodeList()) {
            out.add(
                    n.getName()
                            + " | "
                            + n.getOp()
                            + " | "
                            + n.getInputList()
                            + " | "
                            + new TreeMap<>(n.getAttrMap()).toString().replace('\n', ' '));
        }
        List<String> sorted = new ArrayList<>(out);
        sorted.sort(null);
        return sorted;
    }

    @SuppressWarnings("unchecked")
    static List<float[]> call(Object o, String method) throws Exception {
        return (List<float[]>) o.getClass().getMethod(method).invoke(o);
    }

    @Test
    void trainingGraphs() throws Exception {
        Path out = Path.of(System.getProperty("replayflow.probe.out"));
        Files.createDirectories(out);
        for (String algo : List.of("dqn", "double-dqn", "cql", "bcq", "iql", "bc", "fqe")) {
            for (String clip : List.of("0", "10")) {
                io.replayflow.trainer.TrainerConfig tc;
                try {
                    tc =
                            io.replayflow.trainer.TrainerConfig.fromMap(
                                    Map.of("trainer.algo", algo, "trainer.grad-clip-norm", clip));
                } catch (RuntimeException ex) {
                    Files.write(
                            out.resolve("tgraph-" + algo + "-" + clip + ".txt"),
                            List.of("config: " + ex.getMessage()));
                    continue;
                }
                try (Graph g = new Graph()) {
                    io.replayflow.trainer.graph.TrainingGraph.build(
                            g, tc, TransitionSpec.vector(OBS, A));
                    Files.write(out.resolve("tgraph-" + algo + "-" + clip + ".txt"), nodes(g));
                } catch (RuntimeException ex) {
                    Files.write(
                            out.resolve("tgraph-" + algo + "-" + clip + ".txt"),
                            List.of("build: " + ex));
                }
            }
        }
    }

    @Test
    void probe() throws Exception {
        Path out = Path.of(System.getProperty("replayflow.probe.out"));
        String ckptFrom = System.getProperty("replayflow.probe.ckpt", "");
        Files.createDirectories(out);
        for (var e : cases().entrySet()) {
            String name = e.getKey();
            SegmentConfig c = config(e.getValue());
            List<String> log = new ArrayList<>();
            Path ckdir = out.resolve("ckpt-" + name);
            try (SegmentLearner l = create(c)) {
                Files.write(out.resolve("graph-" + name + ".txt"), nodes(graphOf(l)));
                log.add("init " + hash(call(l, "weights")));
                for (int k = 0; k < 3; k++)
                    log.add("step " + k + " " + m(l.step(batch(k), k, 5000L + k)));
                log.add(
                        "after3 "
                                + hash(call(l, "weights"))
                                + " gs="
                                + l.globalStep()
                                + " seen="
                                + l.samplesSeen()
                                + " zero="
                                + l.zeroStateSegments());
                if (l instanceof RecurrentQLearner r) log.add("target " + hash(r.targetWeights()));
                if (l instanceof PolicyGradientLearner p)
                    log.add("eval " + m(p.evaluate(batch(3), 3, 6000L)));
                l.saveCheckpoint(new CheckpointStore(ckdir, 3));
                PolicyArtifact art =
                        new PolicyExporter(
                                        out.resolve("export-" + name),
                                        InstantSource.fixed(Instant.EPOCH))
                                .export(
                                        l.snapshot(
                                                "p-" + name,
                                                new PolicyManifest.Lineage(
                                                        List.of("probe"),
                                                        null,
                                                        null,
                                                        0,
                                                        List.of())),
                                        0);
                PolicyManifest man = PolicyManifest.readFrom(art.dir());
                log.add(
                        "manifest algo="
                                + man.algo()
                                + " fmt="
                                + man.formatVersion()
                                + " stoch="
                                + man.stochastic()
                                + " rec="
                                + man.recurrent()
                                + " step="
                                + man.trainStep());
                log.add("manifest config " + new TreeMap<>(man.config()));
                try (SavedModelBundle bundle = SavedModelBundle.load(art.dir().toString())) {
                    log.add(
                            "signatures "
                                    + new TreeMap<>(bundle.metaGraphDef().getSignatureDefMap())
                                            .toString()
                                            .replace('\n', ' '));
                }
                for (int k = 3; k < 5; k++)
                    log.add("cont " + k + " " + m(l.step(batch(k), k, 5000L + k)));
            }
            Path restoreFrom =
                    ckptFrom.isEmpty() ? ckdir : Path.of(ckptFrom).resolve("ckpt-" + name);
            try (SegmentLearner l = create(c)) {
                log.add(
                        "restored "
                                + l.restoreLatest(new CheckpointStore(restoreFrom, 3))
                                        .map(p -> p.getFileName().toString())
                                        .orElse("none"));
                log.add(
                        "restored "
                                + hash(call(l, "weights"))
                                + " gs="
                                + l.globalStep()
                                + " seen="
                                + l.samplesSeen());
                if (l instanceof RecurrentQLearner r) log.add("rtarget " + hash(r.targetWeights()));
                for (int k = 3; k < 5; k++)
                    log.add("rcont " + k + " " + m(l.step(batch(k), k, 5000L + k)));
            }
            // a mismatching checkpoint: restore a2c-ff's into this learner
            if (!name.equals("a2c-ff")) {
                try (SegmentLearner l = create(c)) {
                    l.restoreLatest(new CheckpointStore(out.resolve("ckpt-a2c-ff"), 3));
                    log.add("mismatch accepted?!");
                } catch (IllegalStateException ex) {
                    log.add(
                            "mismatch "
                                    + ex.getMessage()
                                            .replace(out.toString(), "OUT")
                                            .replace(ckptFrom.isEmpty() ? "@@" : ckptFrom, "OUT"));
                }
            }
            Files.write(out.resolve("log-" + name + ".txt"), log);
        }
    }
}
