package io.replayflow.trainer.pg;

import io.replayflow.replay.segment.SegmentBatch;
import io.replayflow.trainer.TransitionSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;

/**
 * The two costs of the choice between a stored and a recomputed LSTM state (docs/ALGORITHMS.md):
 * milliseconds per learner update with and without the burn-in, and the Parquet bytes per
 * transition of storing {@code state_h} and {@code state_c} beside the observation. A measurement,
 * not a test: run by hand, one at a time, on a quiet machine.
 *
 * <pre>
 * ./mvnw -B -o -q -pl trainer-job -am test-compile
 * java -cp trainer-job/target/test-classes:trainer-job/target/classes:$(cat cp.txt) \
 *     io.replayflow.trainer.pg.LstmCostProbe
 * </pre>
 */
public final class LstmCostProbe {

    private static final int OBS = 4, ACTIONS = 2, T = 20, B = 8, UNITS = 64;

    public static void main(String[] args) throws Exception {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        updateCost("mlp 128,128", Map.of("trainer.actor-critic.hidden", "128,128"), steps);
        updateCost("lstm 64/64 burn-in 0", lstm(0), steps);
        updateCost("lstm 64/64 burn-in 20", lstm(20), steps);
        storageCost(args.length > 1 ? Integer.parseInt(args[1]) : 100_000);
    }

    private static Map<String, String> lstm(int burnIn) {
        return Map.of(
                "trainer.pg.network",
                "lstm",
                "trainer.actor-critic.hidden",
                "64",
                "trainer.pg.lstm-units",
                String.valueOf(UNITS),
                "trainer.pg.burn-in",
                String.valueOf(burnIn));
    }

    /** Consecutive segments of B endless episodes, one segment of each per batch. */
    private static final class Stream {
        final SplittableRandom rng = new SplittableRandom(7);
        long first;

        SegmentBatch next() {
            SegmentBatch b = SegmentBatch.allocate(B, T, OBS);
            for (int s = 0; s < B; s++) {
                for (int t = 0; t < T; t++) {
                    int i = b.index(s, t);
                    for (int k = 0; k < OBS; k++) {
                        b.obs()[i * OBS + k] = (float) rng.nextDouble(-1, 1);
                    }
                    b.actions()[i] = rng.nextInt(ACTIONS);
                    b.rewards()[i] = 1f;
                    b.behaviorProbs()[i] = 0.5f;
                    b.valid()[i] = 1f;
                }
                b.bootstrapAlive()[s] = 1f;
                b.episodeKeys()[s] = "episode-" + s;
                b.firstSteps()[s] = first;
            }
            first += T;
            return b;
        }
    }

    private static void updateCost(String name, Map<String, String> settings, int steps) {
        Map<String, String> m = new HashMap<>(settings);
        m.put("trainer.algo", "impala");
        m.put("trainer.threads.intra-op", "1");
        m.put("trainer.threads.inter-op", "1");
        SegmentConfig config = SegmentConfig.fromMap(m);
        Stream stream = new Stream();
        try (PolicyGradientLearner learner =
                PolicyGradientLearner.create(config, TransitionSpec.vector(OBS, ACTIONS), T)) {
            for (int i = 0; i < 50; i++) {
                learner.step(stream.next(), 0, 0);
            }
            List<SegmentBatch> batches = new ArrayList<>();
            for (int i = 0; i < steps; i++) {
                batches.add(stream.next());
            }
            long t0 = System.nanoTime();
            for (SegmentBatch b : batches) {
                learner.step(b, 0, 0);
            }
            double ms = (System.nanoTime() - t0) / 1e6 / steps;
            System.out.printf(
                    "update %-24s %7.2f ms per update of %d x %d steps (%d updates)%n",
                    name, ms, B, T, steps);
        }
    }

    private static void storageCost(int rows) throws Exception {
        Schema base =
                SchemaBuilder.record("Step")
                        .fields()
                        .name("obs")
                        .type()
                        .array()
                        .items()
                        .floatType()
                        .noDefault()
                        .requiredInt("action")
                        .requiredFloat("reward")
                        .requiredFloat("behavior_prob")
                        .requiredLong("policy_version")
                        .requiredLong("step")
                        .requiredBoolean("terminated")
                        .endRecord();
        Schema withState =
                SchemaBuilder.record("StepWithState")
                        .fields()
                        .name("obs")
                        .type()
                        .array()
                        .items()
                        .floatType()
                        .noDefault()
                        .requiredInt("action")
                        .requiredFloat("reward")
                        .requiredFloat("behavior_prob")
                        .requiredLong("policy_version")
                        .requiredLong("step")
                        .requiredBoolean("terminated")
                        .name("state_h")
                        .type()
                        .array()
                        .items()
                        .floatType()
                        .noDefault()
                        .name("state_c")
                        .type()
                        .array()
                        .items()
                        .floatType()
                        .noDefault()
                        .endRecord();
        // the states an LSTM actor really carries: a random-weight cell over a random walk
        SplittableRandom rng = new SplittableRandom(3);
        List<float[]> weights = new ArrayList<>();
        int[][] shapes = {{OBS, 4 * UNITS}, {UNITS, 4 * UNITS}, {4 * UNITS}, {UNITS, 3}, {3}};
        for (int[] shape : shapes) {
            float[] w = new float[Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) rng.nextDouble(-0.5, 0.5);
            }
            weights.add(w);
        }
        LstmReference cell = new LstmReference(weights, OBS, new int[0], UNITS, 2);
        Path dir = Files.createTempDirectory("lstm-cost");
        Path a = dir.resolve("obs.parquet"), s = dir.resolve("obs-state.parquet");
        try (ParquetWriter<GenericRecord> wa = writer(a, base);
                ParquetWriter<GenericRecord> ws = writer(s, withState)) {
            double[] h = new double[UNITS], c = new double[UNITS];
            float[] obs = new float[OBS];
            for (int i = 0; i < rows; i++) {
                if (i % 200 == 0) {
                    Arrays.fill(h, 0);
                    Arrays.fill(c, 0);
                }
                for (int k = 0; k < OBS; k++) {
                    obs[k] += (float) rng.nextDouble(-0.05, 0.05);
                }
                GenericRecord ra = new GenericData.Record(base);
                GenericRecord rs = new GenericData.Record(withState);
                for (GenericRecord r : List.of(ra, rs)) {
                    r.put("obs", floats(obs));
                    r.put("action", rng.nextInt(2));
                    r.put("reward", 1f);
                    r.put("behavior_prob", (float) rng.nextDouble(0.3, 0.7));
                    r.put("policy_version", (long) (i / 5_000));
                    r.put("step", (long) (i % 200));
                    r.put("terminated", i % 200 == 199);
                }
                rs.put("state_h", floats(h));
                rs.put("state_c", floats(c));
                cell.step(obs, h, c);
                wa.write(ra);
                ws.write(rs);
            }
        }
        double bytesA = Files.size(a) / (double) rows, bytesS = Files.size(s) / (double) rows;
        System.out.printf(
                "parquet snappy, %d rows: obs[%d] and step fields %.1f B/transition; with state_h"
                        + " and state_c [%d] each %.1f B/transition (+%.1f B, x%.1f)%n",
                rows, OBS, bytesA, UNITS, bytesS, bytesS - bytesA, bytesS / bytesA);
    }

    private static ParquetWriter<GenericRecord> writer(Path file, Schema schema)
            throws java.io.IOException {
        return AvroParquetWriter.<GenericRecord>builder(new LocalOutputFile(file))
                .withSchema(schema)
                .withConf(new Configuration(false))
                .withCompressionCodec(CompressionCodecName.SNAPPY)
                .build();
    }

    private static List<Float> floats(float[] v) {
        List<Float> out = new ArrayList<>(v.length);
        for (float x : v) {
            out.add(x);
        }
        return out;
    }

    private static List<Float> floats(double[] v) {
        List<Float> out = new ArrayList<>(v.length);
        for (double x : v) {
            out.add((float) x);
        }
        return out;
    }
}
