package io.replayflow.trainer.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.replayflow.infra.stack.LocalStack;
import io.replayflow.log.layout.PartitionPath;
import io.replayflow.replay.segment.SegmentDataset;
import io.replayflow.replay.segment.SegmentReadOptions;
import io.replayflow.schemas.avro.PolicyVersion;
import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.policy.PolicyManifest;
import io.replayflow.schemas.serde.SingleObjectSerde;
import io.replayflow.trainer.Algo;
import io.replayflow.trainer.TrainProgress;
import io.replayflow.trainer.TrainerConfig;
import io.replayflow.trainer.TransitionSpec;
import io.replayflow.trainer.checkpoint.CheckpointStore;
import io.replayflow.trainer.export.PolicyArtifact;
import io.replayflow.trainer.export.PolicyExporter;
import io.replayflow.trainer.metrics.TrainerMetrics;
import io.replayflow.trainer.pg.PolicyGradientLearner;
import io.replayflow.trainer.pg.SegmentConfig;
import io.replayflow.trainer.run.ContinuousTrainerStatus.Phase;
import io.replayflow.trainer.testing.CartPoleLog;
import io.replayflow.trainer.testing.ParquetData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * The trainer end to end on real Parquet files and a real Kafka broker (one {@link LocalStack},
 * Kafka only): {@link TrainRunner} trains on a CartPole experience log in the ingest layout,
 * exports a verified SavedModel, publishes its {@code PolicyVersion} and resumes from its
 * checkpoint; {@link ContinuousTrainer} waits for a growing replay dataset and publishes versions.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class TrainFromParquetITCase {

    private static final long HOUR = PartitionPath.HOUR_MS;
    private static final long T0 = 1_763_600_000_000L / HOUR * HOUR;

    private static LocalStack stack;

    @TempDir Path root;

    @BeforeAll
    static void startStack() {
        stack = LocalStack.builder().withFlink(false).partitions(1).start();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    private TrainRequest.Builder request(long steps) {
        return TrainRequest.builder(root.toUri())
                .algo(Algo.DOUBLE_DQN)
                .steps(steps)
                .env(CartPoleLog.ENV)
                .policyName("cartpole-it")
                .publish(stack.bootstrapServers())
                .topics(stack.topics())
                .set("trainer.hidden", "32,32")
                .set("trainer.target.update-period", "50")
                .set("trainer.checkpoint.period", "100")
                .set("trainer.threads.intra-op", "1")
                .set("trainer.threads.inter-op", "1");
    }

    @Test
    void trainsOnTheExperienceLogPublishesAndResumes() throws Exception {
        // Random-policy CartPole over two hourly partitions, 5 ms apart: ~2,000 transitions.
        List<Transition> log = new ArrayList<>();
        log.addAll(CartPoleLog.randomPolicy(1_000, T0 + HOUR - 3_000, 5, 0, 1));
        log.addAll(CartPoleLog.randomPolicy(1_000, T0 + HOUR + 60_000, 5, 0, 2));
        List<Path> files = ParquetData.writeExperience(root, log);
        assertThat(files).hasSize(2);
        assertThat(files.get(0).toString())
                .contains("experience/env_id=CartPole-v1/date=")
                .contains("/hour=")
                .endsWith(".parquet");
        TrainRunner runner = new TrainRunner(InstantSource.system(), Duration.ofMillis(100));

        List<TrainProgress> progress = new ArrayList<>();
        List<TrainStart> starts = new ArrayList<>();
        List<String> exports = new ArrayList<>();
        TrainResult first =
                runner.run(
                        request(200).build(),
                        new TrainListener() {
                            @Override
                            public void started(TrainStart start) {
                                starts.add(start);
                            }

                            @Override
                            public void progress(TrainProgress p) {
                                progress.add(p);
                            }

                            @Override
                            public void exported(PolicyArtifact artifact, String publishedOn) {
                                exports.add(artifact.version() + " on " + publishedOn);
                            }
                        });

        assertThat(first.startStep()).isZero();
        assertThat(first.steps()).isEqualTo(200);
        assertThat(first.transitions()).isEqualTo(log.size());
        assertThat(first.loss()).isFinite();
        // what the CLI prints as "step 200/200 (100.0%) | N steps/s | ..."
        assertThat(progress).last().extracting(TrainProgress::step).isEqualTo(200L);
        assertThat(progress).last().extracting(TrainProgress::targetStep).isEqualTo(200L);
        assertThat(progress.get(progress.size() - 1).stepsPerSecond()).isPositive();
        assertThat(starts)
                .singleElement()
                .satisfies(
                        st -> {
                            assertThat(st.startStep()).isZero();
                            assertThat(st.targetStep()).isEqualTo(200);
                            assertThat(st.transitions()).isEqualTo(log.size());
                        });
        assertThat(exports).containsExactly(first.version() + " on " + stack.topics().policies());
        Path dir = first.policyDir();
        assertThat(dir).isEqualTo(root.resolve("policies/cartpole-it/" + first.version()));
        JsonNode json = new ObjectMapper().readTree(first.toJson());
        assertThat(json.get("policy").asText()).isEqualTo(dir.toString());
        assertThat(json.get("version").asLong()).isEqualTo(first.version());
        assertThat(json.get("algo").asText()).isEqualTo("double-dqn");
        assertThat(json.get("steps").asLong()).isEqualTo(200);
        assertThat(json.get("transitions").asLong()).isEqualTo(log.size());
        assertThat(json.get("loss").asDouble()).isEqualTo(first.loss());

        PolicyManifest manifest = PolicyManifest.readFrom(dir);
        List<PolicyVersion> published = publishedVersions("cartpole-it");
        assertThat(published).hasSize(1);
        PolicyVersion announced = published.get(0);
        manifest.verify(dir, announced.getSha256());
        assertThat(announced.getVersion()).isEqualTo(first.version());
        assertThat(announced.getUri()).isEqualTo(first.artifact().uri());
        assertThat(announced.getAlgo()).isEqualTo("double-dqn");
        assertThat(announced.getTrainStep()).isEqualTo(200);
        assertThat(announced.getNumActions()).isEqualTo(2);
        assertThat(announced.getObsShape()).containsExactly(4);
        assertThat(announced.getLineage().getTransitions()).isEqualTo(log.size());
        assertThat(announced.getLineage().getSources().get(0)).endsWith("/experience/");
        assertThat(announced.getLineage().getBehaviorPolicyVersions()).containsExactly(0L);
        assertGreedyActions(dir);
        assertThat(root.resolve("checkpoints/trainer/cartpole-it/step-000000000200")).isDirectory();
        try (Stream<Path> events = Files.list(root.resolve("tensorboard/cartpole-it"))) {
            assertThat(events.map(p -> p.getFileName().toString()))
                    .anyMatch(n -> n.startsWith("events.out.tfevents."));
        }

        TrainResult second = runner.run(request(400).build(), TrainListener.silent());

        assertThat(second.startStep()).isEqualTo(200);
        assertThat(second.steps()).isEqualTo(400);
        assertThat(second.version()).isGreaterThan(first.version());
        assertThat(PolicyManifest.readFrom(second.policyDir()).trainStep()).isEqualTo(400);
        assertThat(publishedVersions("cartpole-it"))
                .extracting(PolicyVersion::getVersion)
                .containsExactly(first.version(), second.version());
    }

    @Test
    void continuousTrainerWaitsForMinSizeThenPublishesVersions() throws Exception {
        List<Transition> early = CartPoleLog.randomPolicy(300, T0, 5, 0, 3);
        ParquetData.writeReplay(root, "live", early, 3, 0.99);
        ContinuousTrainerConfig config =
                ContinuousTrainerConfig.builder(root.toUri(), "live")
                        .trainer(
                                TrainerConfig.fromMap(
                                        Map.of(
                                                "trainer.algo", "dqn",
                                                "trainer.hidden", "16,16",
                                                "trainer.policy.name", "live-it",
                                                "trainer.threads.intra-op", "1",
                                                "trainer.threads.inter-op", "1")))
                        .env(CartPoleLog.ENV)
                        .minSize(1_000)
                        .refreshEvery(20)
                        .publishEvery(50)
                        .pollInterval(Duration.ofMillis(100))
                        .bootstrap(stack.bootstrapServers())
                        .topics(stack.topics())
                        .build();
        try (ContinuousTrainer trainer = new ContinuousTrainer(config, InstantSource.system())) {
            trainer.start();
            await(() -> trainer.status().transitionsLoaded() >= early.size(), trainer);
            Thread.sleep(500);
            assertThat(trainer.status().phase()).isEqualTo(Phase.WAITING_FOR_DATA);
            assertThat(trainer.status().trainerStep()).isZero();

            List<Transition> later = CartPoleLog.randomPolicy(900, T0 + 60_000, 5, 1, 4);
            ParquetData.writeReplay(root, "live", later, 3, 0.99);
            await(() -> trainer.status().lastPublishedVersion() >= 2, trainer);

            ContinuousTrainerStatus status = trainer.status();
            assertThat(status.phase()).isEqualTo(Phase.TRAINING);
            assertThat(status.trainerStep()).isGreaterThanOrEqualTo(100);
            assertThat(status.lastLoss()).isFinite();
            assertThat(status.transitionsLoaded()).isEqualTo(early.size() + later.size());
            assertThat(trainer.stop(Duration.ofSeconds(30))).isTrue();
            assertThat(trainer.status().phase()).isEqualTo(Phase.STOPPED);
            assertThat(trainer.failure()).isEmpty();
        }
        List<PolicyVersion> published = publishedVersions("live-it");
        assertThat(published).extracting(PolicyVersion::getVersion).startsWith(1L, 2L);
        assertThat(published.get(1).getTrainStep()).isEqualTo(100);
        PolicyManifest.readFrom(root.resolve("policies/live-it/2"))
                .verify(root.resolve("policies/live-it/2"), published.get(1).getSha256());
    }

    /**
     * A policy-gradient continuous trainer stopped and started again on the same directories
     * resumes: its versions continue on {@code rf.policies} (read back from the real broker), its
     * step continues from the checkpoint written on stop, and its weights and Adam slots are the
     * checkpoint's: the first version after the restart equals, output for output, a learner
     * restored from a copy of that checkpoint and stepped on the same segments, and differs from
     * one that starts afresh.
     */
    @Test
    void continuousPolicyGradientTrainerResumesVersionsStepAndWeights() throws Exception {
        Map<String, String> settings =
                Map.of(
                        "trainer.algo", "impala",
                        "trainer.actor-critic.hidden", "16,16",
                        "trainer.batch-size", "4",
                        "trainer.policy.name", "pg-resume-it",
                        "trainer.checkpoint.period", "1000",
                        "trainer.checkpoint.keep", "5",
                        "trainer.threads.intra-op", "1",
                        "trainer.threads.inter-op", "1");
        Path checkpoints = root.resolve("checkpoints");
        // 40 segments of T = 20 in batches of 4: exactly 10 steps, versions at steps 5 and 10
        writeSegmentsExactly("segs", 40, 100);
        runUntilVersion(settings, checkpoints, 2, 10);
        List<PolicyVersion> first = publishedVersions("pg-resume-it");
        assertThat(first).extracting(PolicyVersion::getVersion).containsExactly(1L, 2L);
        assertThat(first).extracting(PolicyVersion::getTrainStep).containsExactly(5L, 10L);
        Path atStop = root.resolve("checkpoints-at-stop");
        copyTree(checkpoints, atStop);

        // The restarted trainer must not replay the first run's segments: they are gone.
        deleteTree(root.resolve("replay").resolve("segs"));
        writeSegmentsExactly("segs", 40, 200);
        writeSegmentsExactly("segs-copy", 40, 200); // the same rows, for the replay below
        runUntilVersion(settings, checkpoints, 4, 20);
        List<PolicyVersion> all = publishedVersions("pg-resume-it");
        assertThat(all).extracting(PolicyVersion::getVersion).containsExactly(1L, 2L, 3L, 4L);
        assertThat(all)
                .as("the step continues from the checkpoint")
                .extracting(PolicyVersion::getTrainStep)
                .containsExactly(5L, 10L, 15L, 20L);

        float[] restarted = logits(root.resolve("policies/pg-resume-it/3"));
        float[] replayed = replayFiveSteps(settings, atStop);
        float[] fresh = replayFiveSteps(settings, null);
        assertThat(restarted)
                .as("version 3 = the checkpoint's weights and Adam slots + the same 5 steps")
                .containsExactly(replayed, within(1e-4f));
        float gap = 0;
        for (int i = 0; i < fresh.length; i++) {
            gap = Math.max(gap, Math.abs(fresh[i] - restarted[i]));
        }
        assertThat(gap).as("a learner that starts afresh ends elsewhere").isGreaterThan(1e-3f);
    }

    /**
     * An LSTM continuous trainer on real Parquet segments and the real broker: it unrolls over the
     * segments, recomputes each one's starting state from the earlier segments of its episode
     * (which the FIFO dataset serves first, so no segment starts from an unknown state), and
     * publishes format-3 recurrent versions whose SavedModel steps a state.
     */
    @Test
    void continuousLstmTrainerBurnsInFromEarlierSegmentsAndPublishesRecurrentVersions()
            throws Exception {
        Map<String, String> settings =
                Map.of(
                        "trainer.algo", "impala",
                        "trainer.pg.network", "lstm",
                        "trainer.pg.lstm-units", "8",
                        "trainer.pg.burn-in", "20",
                        "trainer.actor-critic.hidden", "16",
                        "trainer.batch-size", "4",
                        "trainer.policy.name", "lstm-it",
                        "trainer.threads.intra-op", "1",
                        "trainer.threads.inter-op", "1");
        writeSegmentsExactly("lstm-segs", 40, 300);
        ContinuousTrainerConfig config =
                ContinuousTrainerConfig.builder(root.toUri(), "lstm-segs")
                        .policyGradient(SegmentConfig.fromMap(settings))
                        .segments(SegmentReadOptions.defaults().withRefreshInterval(Duration.ZERO))
                        .env(CartPoleLog.ENV)
                        .publishEvery(5)
                        .checkpointDir(root.resolve("lstm-checkpoints"))
                        .bootstrap(stack.bootstrapServers())
                        .topics(stack.topics())
                        .build();
        Map<String, Double> metrics;
        try (ContinuousTrainer trainer = new ContinuousTrainer(config, InstantSource.system())) {
            trainer.start();
            await(() -> trainer.status().lastPublishedVersion() >= 2, trainer);
            Thread.sleep(500);
            assertThat(trainer.status().trainerStep()).isEqualTo(10);
            metrics = trainer.status().metrics();
            assertThat(trainer.stop(Duration.ofSeconds(30))).isTrue();
            assertThat(trainer.failure()).isEmpty();
        }
        assertThat(metrics).containsEntry(TrainerMetrics.BURN_IN_ZERO_STATE, 0.0);
        assertThat(publishedVersions("lstm-it"))
                .extracting(PolicyVersion::getVersion)
                .containsExactly(1L, 2L);
        Path dir = root.resolve("policies/lstm-it/2");
        PolicyManifest manifest = PolicyManifest.readFrom(dir);
        assertThat(manifest.formatVersion()).isEqualTo(PolicyManifest.RECURRENT_FORMAT_VERSION);
        assertThat(manifest.recurrent()).isEqualTo(PolicyManifest.Recurrent.lstm(8));
        manifest.verify(dir, null);
        try (SavedModelBundle bundle = SavedModelBundle.load(dir.toString());
                TFloat32 obs = TFloat32.tensorOf(Shape.of(2, 4));
                TFloat32 h = TFloat32.tensorOf(Shape.of(2, 8));
                TFloat32 c = TFloat32.tensorOf(Shape.of(2, 8))) {
            obs.asRawTensor().data().asFloats().write(new float[] {0.01f, 0, 0.02f, 0, 1, 0, 0, 0});
            try (Result out =
                    bundle.function("serving_default")
                            .call(Map.of("obs", obs, "state_h", h, "state_c", c))) {
                TFloat32 next = (TFloat32) out.get("next_state_h").orElseThrow();
                assertThat(next.shape()).isEqualTo(Shape.of(2, 8));
                assertThat(out.get("next_state_c")).isPresent();
                assertThat(out.get("logits")).isPresent();
            }
        }
    }

    private void runUntilVersion(
            Map<String, String> settings, Path checkpoints, long version, long steps)
            throws Exception {
        ContinuousTrainerConfig config =
                ContinuousTrainerConfig.builder(root.toUri(), "segs")
                        .policyGradient(SegmentConfig.fromMap(settings))
                        .segments(SegmentReadOptions.defaults().withRefreshInterval(Duration.ZERO))
                        .env(CartPoleLog.ENV)
                        .publishEvery(5)
                        .checkpointDir(checkpoints)
                        .bootstrap(stack.bootstrapServers())
                        .topics(stack.topics())
                        .build();
        try (ContinuousTrainer trainer = new ContinuousTrainer(config, InstantSource.system())) {
            trainer.start();
            await(() -> trainer.status().lastPublishedVersion() >= version, trainer);
            Thread.sleep(500); // every segment is used once: no step beyond the data
            assertThat(trainer.status().trainerStep()).isEqualTo(steps);
            assertThat(trainer.stop(Duration.ofSeconds(30))).isTrue();
            assertThat(trainer.failure()).isEmpty();
        }
        assertThat(new CheckpointStore(checkpoints, 5).latest())
                .as("a checkpoint written on stop")
                .hasValueSatisfying(
                        dir -> assertThat(CheckpointStore.stepOf(dir)).isEqualTo(steps));
    }

    /** Random CartPole episodes, acted now, that cut into exactly {@code count} segments. */
    private void writeSegmentsExactly(String dataset, int count, long firstSeed) {
        long now = System.currentTimeMillis();
        List<Transition> rows = new ArrayList<>();
        int segments = 0;
        for (long seed = firstSeed; segments < count; seed++) {
            List<Transition> episode = CartPoleLog.randomPolicy(1, now, 1, 0, seed);
            int cut = (episode.size() + 19) / 20;
            if (segments + cut <= count) {
                rows.addAll(episode);
                segments += cut;
            }
        }
        assertThat(ParquetData.writeSegments(root, dataset, rows, 20)).isEqualTo(count);
    }

    /**
     * The logits of a learner stepped 5 times on the copy of the restarted run's segments, from the
     * checkpoint in {@code checkpoints} (null: from fresh weights).
     */
    private float[] replayFiveSteps(Map<String, String> settings, Path checkpoints)
            throws Exception {
        SegmentConfig config = SegmentConfig.fromMap(settings);
        Path out = root.resolve("replayed-" + (checkpoints == null ? "fresh" : "restored"));
        try (PolicyGradientLearner learner =
                        PolicyGradientLearner.create(config, TransitionSpec.vector(4, 2));
                SegmentDataset segments =
                        SegmentDataset.open(
                                root.toUri(),
                                "segs-copy",
                                SegmentReadOptions.defaults().withRefreshInterval(Duration.ZERO))) {
            if (checkpoints != null) {
                assertThat(learner.restoreLatest(new CheckpointStore(checkpoints, 5))).isPresent();
                assertThat(learner.globalStep()).isEqualTo(10);
            }
            for (int i = 0; i < 5; i++) {
                learner.step(segments.next(4).orElseThrow(), 0, System.currentTimeMillis());
            }
            PolicyExporter.writeSavedModel(
                    learner.snapshot(
                            "pg-resume-it",
                            new PolicyManifest.Lineage(List.of(), null, null, 0, List.of())),
                    out);
        }
        return logits(out);
    }

    /** The exported policy's logits on a fixed probe of 3 CartPole observations. */
    private static float[] logits(Path savedModel) {
        float[] probe = {0.01f, 0f, 0.02f, 0f, -0.03f, 0.1f, -0.05f, -0.2f, 0.1f, 0.5f, 0f, 0.3f};
        try (SavedModelBundle bundle = SavedModelBundle.load(savedModel.toString());
                TFloat32 obs = TFloat32.tensorOf(Shape.of(3, 4))) {
            obs.asRawTensor().data().asFloats().write(probe);
            try (Result out = bundle.function("serving_default").call(Map.of("obs", obs))) {
                TFloat32 logits = (TFloat32) out.get("logits").orElseThrow();
                float[] values = new float[(int) logits.size()];
                logits.asRawTensor().data().asFloats().read(values);
                return values;
            }
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Files.copy(p, to.resolve(from.relativize(p).toString()));
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static void assertGreedyActions(Path dir) {
        float[] probe = {0.01f, 0f, 0.02f, 0f, -0.03f, 0.1f, -0.05f, -0.2f};
        try (SavedModelBundle bundle = SavedModelBundle.load(dir.toString());
                TFloat32 obs = TFloat32.tensorOf(Shape.of(2, 4))) {
            obs.asRawTensor().data().asFloats().write(probe);
            try (Result out = bundle.function("serving_default").call(Map.of("obs", obs))) {
                TFloat32 q = (TFloat32) out.get("q_values").orElseThrow();
                TInt64 action = (TInt64) out.get("action").orElseThrow();
                assertThat(q.shape()).isEqualTo(Shape.of(2, 2));
                for (int i = 0; i < 2; i++) {
                    float q0 = q.getFloat(i, 0);
                    float q1 = q.getFloat(i, 1);
                    assertThat(q0).isFinite();
                    assertThat(q1).isFinite();
                    assertThat(action.getLong(i)).isEqualTo(q1 > q0 ? 1L : 0L);
                }
            }
        }
    }

    private static void await(BooleanSupplier condition, ContinuousTrainer trainer)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            assertThat(trainer.status().phase()).isNotEqualTo(Phase.FAILED);
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out; status " + trainer.status());
            }
            Thread.sleep(50);
        }
    }

    /** Every PolicyVersion keyed {@code name} on the policies topic, in offset order. */
    private static List<PolicyVersion> publishedVersions(String name) throws Exception {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        var serde = SingleObjectSerde.forClass(PolicyVersion.class);
        List<PolicyVersion> out = new ArrayList<>();
        String topic = stack.topics().policies();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(topic).stream()
                            .map(i -> new TopicPartition(topic, i.partition()))
                            .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (end.entrySet().stream()
                    .anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                assertThat(System.nanoTime()).isLessThan(deadline);
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (name.equals(r.key())) {
                        out.add(serde.decode(r.value()));
                    }
                }
            }
        }
        return out;
    }
}
