package io.replayflow.cli.bench;

import io.replayflow.actor.EpisodeIds;
import io.replayflow.actor.env.EnvRegistry;
import io.replayflow.actor.env.StepResult;
import io.replayflow.actor.env.TimeLimit;
import io.replayflow.log.parquet.LogCompression;
import io.replayflow.log.parquet.StreamOutputFile;
import io.replayflow.log.parquet.TransitionParquet;
import io.replayflow.log.parquet.TransitionReader;
import io.replayflow.replay.nstep.EpisodeEnd;
import io.replayflow.replay.nstep.NStepTargets;
import io.replayflow.replay.row.ReplayRow;
import io.replayflow.replay.row.ReplayRowParquet;
import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.avro.UInt8Tensor;
import io.replayflow.schemas.env.EnvSpec;
import io.replayflow.schemas.env.FrameStacking;
import io.replayflow.schemas.env.ObservationType;
import io.replayflow.schemas.frames.FrameCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalInputFile;

/**
 * Parquet bytes per transition of image observations stored whole and with each frame stored once
 * (issue 17's storage goal), for the experience log and for a replay dataset, in one run over the
 * same transitions.
 *
 * <p>The transitions are what the actors would log: {@code envs} copies of the environment stepped
 * in turn by a uniform random policy, with the actors' own ids ({@link EpisodeIds}) and event times
 * a few milliseconds apart (so rows of many episodes interleave, as in a log file), with
 * auto-resets and the time limit. The log file holds them in that order; the replay file holds the
 * rows the replay-store job would emit (each episode's rows together, when the episode ends, with
 * 3-step targets at gamma 0.99: the bootstrap image is next_obs of step t + k − 1). Each layout is
 * written to one file in memory (ZSTD, one row group), the state after compaction; the figures are
 * the file's bytes, footer included, divided by the transitions in it.
 */
public final class FrameStorageBenchmark {

    /** The replay-store job's n-step default. */
    private static final int N_STEP = 3;

    private static final double GAMMA = 0.99;
    private static final long ROW_GROUP_BYTES = 64L << 20;

    /**
     * What to measure.
     *
     * @param env an image environment id, e.g. {@code MinAtar/Breakout-v1} or its frame stack
     * @param transitions transitions to generate
     * @param envs environment copies stepped in turn
     * @param seed seeds the resets and the random policy
     */
    public record Settings(String env, int transitions, int envs, long seed) {}

    /**
     * Bytes per transition in each layout, and the log writer's rate in each.
     *
     * @param frames frames per observation (the stack)
     * @param episodes episodes the transitions belong to (the last of each copy may be open)
     * @param logOnceV1 the log with frames once as {@link FrameCodec#ONCE_V1} wrote them (before)
     * @param logOnce the log with frames once as written now ({@link FrameCodec#LATEST})
     * @param write the log writer's image rows per second of its thread's CPU time
     */
    public record Result(
            String env,
            int frames,
            int transitions,
            int episodes,
            double logWhole,
            double logOnceV1,
            double logOnce,
            double replayWhole,
            double replayOnceV1,
            double replayOnce,
            WriteRates write) {

        public double logRatio() {
            return logWhole / logOnce;
        }

        public double replayRatio() {
            return replayWhole / replayOnce;
        }

        /** One table row: env, stack, transitions, then each layout and ratio. */
        public String row() {
            return String.format(
                    Locale.ROOT,
                    "| %s | %d | %,d | %.2f | %.2f (%.2fx) | %.2f | %.2fx | %.2f | %.2f (%.2fx) |"
                            + " %.2f | %.2fx |",
                    env,
                    frames,
                    transitions,
                    logWhole,
                    logOnceV1,
                    logWhole / logOnceV1,
                    logOnce,
                    logRatio(),
                    replayWhole,
                    replayOnceV1,
                    replayWhole / replayOnceV1,
                    replayOnce,
                    replayRatio());
        }

        /** One row of the writer table ({@link #writeHeader()}). */
        public String writeRow() {
            return String.format(
                    Locale.ROOT,
                    "| %s | %d | %,.0f | %,.0f | %,.0f |",
                    env,
                    frames,
                    write.whole(),
                    write.onceV1(),
                    write.once());
        }
    }

    /**
     * Log rows written per second of the writer thread's CPU time (ZSTD compression included), best
     * of {@link #WRITE_ROUNDS} rounds that alternate the three forms.
     */
    public record WriteRates(double whole, double onceV1, double once) {}

    private FrameStorageBenchmark() {}

    /** Generates the transitions and measures every layout. */
    public static Result run(Settings settings) throws IOException {
        EnvRegistry registry = EnvRegistry.withBuiltIns();
        EnvSpec spec = registry.spec(settings.env());
        if (spec.observationType() != ObservationType.UINT8) {
            throw new IllegalArgumentException(
                    "--env "
                            + settings.env()
                            + " has vector observations; frames are stored once only for image"
                            + " environments (e.g. MinAtar/Breakout-v1)");
        }
        Generated generated = generate(registry, spec, settings);
        List<Transition> log = generated.log();
        List<ReplayRow> replay = replayRows(generated.episodes());
        int frames = FrameStacking.parse(settings.env()).map(FrameStacking::frames).orElse(1);
        return new Result(
                settings.env(),
                frames,
                log.size(),
                generated.episodes().size(),
                perTransition(logBytes(log, false, FrameCodec.LATEST), log.size()),
                perTransition(logBytes(log, true, FrameCodec.ONCE_V1), log.size()),
                perTransition(logBytes(log, true, FrameCodec.LATEST), log.size()),
                perTransition(replayBytes(replay, false, FrameCodec.LATEST), replay.size()),
                perTransition(replayBytes(replay, true, FrameCodec.ONCE_V1), replay.size()),
                perTransition(replayBytes(replay, true, FrameCodec.LATEST), replay.size()),
                writeRates(log));
    }

    /** Rounds of {@link WriteRates}. */
    private static final int WRITE_ROUNDS = 5;

    private static WriteRates writeRates(List<Transition> log) throws IOException {
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        long[] best = {Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE};
        for (int round = 0; round < WRITE_ROUNDS; round++) {
            for (int form = 0; form < 3; form++) {
                long start = cpu.getCurrentThreadCpuTime();
                write(log, form > 0, form == 1 ? FrameCodec.ONCE_V1 : FrameCodec.LATEST);
                best[form] = Math.min(best[form], cpu.getCurrentThreadCpuTime() - start);
            }
        }
        return new WriteRates(
                log.size() * 1e9 / best[0], log.size() * 1e9 / best[1], log.size() * 1e9 / best[2]);
    }

    private static double perTransition(long bytes, int transitions) {
        return (double) bytes / transitions;
    }

    private record Generated(List<Transition> log, List<List<Transition>> episodes) {}

    private static Generated generate(EnvRegistry registry, EnvSpec spec, Settings settings) {
        int size = spec.observationSize();
        int copies = settings.envs();
        SplittableRandom random = new SplittableRandom(settings.seed());
        TimeLimit[] envs = new TimeLimit[copies];
        float[][] obs = new float[copies][size];
        float[] next = new float[size];
        int[] episode = new int[copies];
        long[] step = new long[copies];
        List<List<Transition>> open = new ArrayList<>();
        List<List<Transition>> episodes = new ArrayList<>();
        List<Transition> log = new ArrayList<>(settings.transitions());
        StepResult result = new StepResult();
        for (int c = 0; c < copies; c++) {
            envs[c] = registry.make(settings.env());
            envs[c].reset(random.nextLong(), obs[c], 0);
            open.add(new ArrayList<>());
        }
        EpisodeIds ids =
                new EpisodeIds("bench", 0, Long.toString(settings.seed() * 7919 + 101, 36));
        long time = 1_700_000_000_000L;
        while (log.size() < settings.transitions()) {
            for (int c = 0; c < copies && log.size() < settings.transitions(); c++) {
                int action = random.nextInt(spec.numActions());
                envs[c].step(action, next, 0, result);
                Transition t =
                        Transition.newBuilder()
                                .setEnvId(spec.id())
                                .setActorId(ids.actorId(c))
                                .setEpisodeId(ids.episodeId(c, episode[c]))
                                .setStep(step[c])
                                .setEventTimeMs(time)
                                .setObs(List.of())
                                .setAction(action)
                                .setReward(result.reward())
                                .setNextObs(List.of())
                                .setTerminated(result.terminated())
                                .setTruncated(result.truncated())
                                .setBehaviorProb(1f / spec.numActions())
                                .setPolicyVersion(0L)
                                .setObsImage(image(obs[c], spec))
                                .setNextObsImage(image(next, spec))
                                .build();
                time += random.nextInt(5); // ~450 frames/s over the copies, as the demo's actors
                log.add(t);
                open.get(c).add(t);
                step[c]++;
                if (result.ended()) {
                    episodes.add(open.get(c));
                    open.set(c, new ArrayList<>());
                    episode[c]++;
                    step[c] = 0;
                    envs[c].reset(random.nextLong(), obs[c], 0);
                } else {
                    System.arraycopy(next, 0, obs[c], 0, size);
                }
            }
        }
        for (List<Transition> rest : open) {
            if (!rest.isEmpty()) {
                episodes.add(rest);
            }
        }
        return new Generated(log, episodes);
    }

    private static UInt8Tensor image(float[] values, EnvSpec spec) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) Math.max(0, Math.min(255, Math.round(values[i])));
        }
        return new UInt8Tensor(ByteBuffer.wrap(bytes), spec.observationShape());
    }

    /** The rows the replay-store job emits for these episodes, each episode's rows together. */
    private static List<ReplayRow> replayRows(List<List<Transition>> episodes) {
        List<ReplayRow> rows = new ArrayList<>();
        for (List<Transition> episode : episodes) {
            Transition last = episode.get(episode.size() - 1);
            EpisodeEnd end =
                    last.getTerminated()
                            ? EpisodeEnd.TERMINATED
                            : last.getTruncated() ? EpisodeEnd.TRUNCATED : EpisodeEnd.OPEN;
            float[] rewards = new float[episode.size()];
            for (int i = 0; i < rewards.length; i++) {
                rewards[i] = episode.get(i).getReward();
            }
            NStepTargets.Result targets = NStepTargets.compute(rewards, end, N_STEP, GAMMA);
            List<ReplayRow> built = new ArrayList<>(episode.size());
            for (Transition t : episode) {
                built.add(ReplayRow.fromTransition(t));
            }
            for (int i = 0; i < built.size(); i++) {
                ReplayRow row = built.get(i);
                row.nStepReturn = targets.nStepReturn()[i];
                row.nStepCount = targets.count()[i];
                row.bootstrapObs = built.get(targets.bootstrapIndex()[i]).nextObs;
                row.bootstrapObsImage = built.get(targets.bootstrapIndex()[i]).nextObsImage;
                row.bootstrapDiscount = targets.bootstrapDiscount()[i];
                row.bootstrapCut = targets.bootstrapCut()[i];
                row.returnToGo = targets.returnToGo()[i];
                row.episodeComplete = end.complete();
                row.priority = 1.0;
                rows.add(row);
            }
        }
        return rows;
    }

    /**
     * The bytes of a log file of {@code rows}; the frames-once file is read back through the log's
     * reader and must rebuild every image byte for byte, or the figure would mean nothing.
     */
    private static long logBytes(List<Transition> rows, boolean framesOnce, FrameCodec codec)
            throws IOException {
        ByteArrayOutputStream bytes = write(rows, framesOnce, codec);
        if (framesOnce) {
            checkRebuilt(bytes.toByteArray(), rows);
        }
        return bytes.size();
    }

    private static ByteArrayOutputStream write(
            List<Transition> rows, boolean framesOnce, FrameCodec codec) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ParquetWriter<Transition> writer =
                TransitionParquet.writer(
                        new StreamOutputFile(bytes),
                        LogCompression.ZSTD,
                        ROW_GROUP_BYTES,
                        framesOnce,
                        codec)) {
            for (Transition t : rows) {
                writer.write(t);
            }
        }
        return bytes;
    }

    private static void checkRebuilt(byte[] file, List<Transition> rows) throws IOException {
        Path tmp = Files.createTempFile("replayflow-bench-frames-", ".parquet");
        try {
            Files.write(tmp, file);
            try (TransitionReader reader = TransitionParquet.reader(new LocalInputFile(tmp))) {
                for (int i = 0; i < rows.size(); i++) {
                    Transition read = reader.read();
                    Transition written = rows.get(i);
                    if (read == null
                            || !read.getObsImage().getData().equals(written.getObsImage().getData())
                            || !read.getNextObsImage()
                                    .getData()
                                    .equals(written.getNextObsImage().getData())) {
                        throw new IllegalStateException(
                                "the frames-once log file did not rebuild row "
                                        + i
                                        + " byte for byte: a defect, please report it");
                    }
                }
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static long replayBytes(List<ReplayRow> rows, boolean framesOnce, FrameCodec codec)
            throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ParquetWriter<ReplayRow> writer =
                ReplayRowParquet.writer(
                        new StreamOutputFile(bytes),
                        CompressionCodecName.ZSTD,
                        false,
                        framesOnce,
                        ROW_GROUP_BYTES,
                        codec)) {
            for (ReplayRow row : rows) {
                writer.write(row);
            }
        }
        return bytes.size();
    }

    /** The table's header, matching {@link Result#row()}. */
    public static String header() {
        return String.join(
                "\n",
                "| env | stack | transitions | log whole (B) | log once/v1 (B, ratio) |"
                        + " log once/v2 (B) | log ratio | replay whole (B) |"
                        + " replay once/v1 (B, ratio) | replay once/v2 (B) | replay ratio |",
                "|---|---|---|---|---|---|---|---|---|---|---|");
    }

    /** The writer table's header, matching {@link Result#writeRow()}. */
    public static String writeHeader() {
        return String.join(
                "\n",
                "| env | stack | log writer, whole (rows/s) | once/v1 (rows/s) | once/v2 (rows/s)"
                        + " |",
                "|---|---|---|---|---|");
    }
}
