package io.replayflow.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.replayflow.log.layout.PartitionPath;
import io.replayflow.replay.limit.SamplesPerInsertSettings;
import io.replayflow.replay.read.ReplayDataset;
import io.replayflow.replay.read.TransitionId;
import io.replayflow.schemas.Topics;
import io.replayflow.schemas.avro.PriorityUpdate;
import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.policy.PolicyManifest;
import io.replayflow.schemas.serde.SingleObjectSerde;
import io.replayflow.trainer.TrainerConfig;
import io.replayflow.trainer.TransitionSpec;
import io.replayflow.trainer.publish.PriorityUpdatePublisher;
import io.replayflow.trainer.testing.CartPoleLog;
import io.replayflow.trainer.testing.ParquetData;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ReplayDatasetSource} over real Parquet files: the reader's columns mapped exactly onto the
 * trainer's (1-step from the experience log, the job's n-step columns from a replay dataset), TD
 * errors turned into dataset priorities and {@code PriorityUpdate}s, and empty data refused with a
 * message that names the directory and the filters.
 */
@Timeout(60)
class ReplayDatasetSourceTest {

    private static final long HOUR = PartitionPath.HOUR_MS;
    private static final long T0 = 1_763_600_000_000L / HOUR * HOUR;

    @TempDir Path root;

    private static TrainerConfig config(String... keyValues) {
        Map<String, String> raw = new HashMap<>();
        raw.put("trainer.batch-size", "64");
        for (int i = 0; i < keyValues.length; i += 2) {
            raw.put(keyValues[i], keyValues[i + 1]);
        }
        return TrainerConfig.fromMap(raw);
    }

    private ReplayDataset open(boolean replay, TrainerConfig config, DataSelection selection)
            throws IOException {
        var options = ReplayDatasetSource.readOptions(config, selection, 0).build();
        return replay
                ? ReplayDataset.openReplay(root.toUri(), "it", options)
                : ReplayDataset.openExperienceLog(root.toUri(), options);
    }

    /** e0: 5 steps, terminated (policy 0); e1: 4 steps, truncated (policy 3), an hour later. */
    private static List<Transition> twoEpisodes() {
        List<Transition> log = new ArrayList<>();
        log.addAll(CartPoleLog.numbered("a0", "e0", 5, T0, true, false, 0));
        log.addAll(CartPoleLog.numbered("a1", "e1", 4, T0 + HOUR, false, true, 3));
        return log;
    }

    @Test
    void observationNoiseIsScaledByTheLiveRowsFeatureStd() throws Exception {
        // The 9 rows' obs are 10 t + k for steps t = 0..4 (e0) and 0..3 (e1), so every feature k
        // has the spread of 10 t: mean t = 16/9, mean t^2 = 44/9, var t = 44/9 - 256/81 =
        // 140/81, std 10 * sqrt(140/81) = 13.1468 (liveObs() holds exactly those rows). The
        // noise at 0.1 has std 1.31468; 512 slots x 4 features = 2048 draws per column, so 5 %
        // is over three standard errors of the sample std.
        ParquetData.writeExperience(root, twoEpisodes());
        TrainerConfig config =
                config("trainer.augment.obs-noise", "0.1", "trainer.batch-size", "512");
        try (ReplayDataset dataset = open(false, config, DataSelection.all())) {
            float[] live = dataset.liveObs();
            assertThat(live).hasSize(9 * 4);
            ReplayDatasetSource source =
                    ReplayDatasetSource.builder(dataset, config).numActions(2).build();
            double want = 0.1 * 10 * Math.sqrt(140.0 / 81);
            try (TrainingBatch batch = new TrainingBatch(source.spec(), 512)) {
                source.fill(batch);
                double sumSq = 0;
                double sumSqNext = 0;
                for (int j = 0; j < 512; j++) {
                    long t = dataset.transitionId(batch.rowIds()[j]).step();
                    for (int k = 0; k < 4; k++) {
                        double e = batch.obs()[j * 4 + k] - (10.0 * t + k);
                        double en = batch.nextObs()[j * 4 + k] - (10.0 * (t + 1) + k);
                        sumSq += e * e;
                        sumSqNext += en * en;
                    }
                    assertThat(batch.nStepReturns()[j]).isEqualTo(1f + t); // untouched
                }
                assertThat(Math.sqrt(sumSq / 2048)).isCloseTo(want, within(0.05 * want));
                assertThat(Math.sqrt(sumSqNext / 2048)).isCloseTo(want, within(0.05 * want));
            }
        }
    }

    @Test
    void experienceLogGivesOneStepTargets() throws Exception {
        ParquetData.writeExperience(root, twoEpisodes());
        TrainerConfig config = config("trainer.gamma", "0.9");
        try (ReplayDataset dataset = open(false, config, DataSelection.all())) {
            ReplayDatasetSource source =
                    ReplayDatasetSource.builder(dataset, config).numActions(2).build();
            assertThat(source.nStepTargets()).isFalse();
            assertThat(source.wantsTdErrors()).isFalse();
            assertThat(source.spec().obsShape()).containsExactly(4);
            try (TrainingBatch batch = new TrainingBatch(source.spec(), 64)) {
                source.fill(batch);
                for (int j = 0; j < 64; j++) {
                    TransitionId id = dataset.transitionId(batch.rowIds()[j]);
                    long t = id.step();
                    for (int k = 0; k < 4; k++) {
                        assertThat(batch.obs()[j * 4 + k]).isEqualTo(10f * t + k);
                        assertThat(batch.nextObs()[j * 4 + k]).isEqualTo(10f * (t + 1) + k);
                    }
                    assertThat(batch.actions()[j]).isEqualTo((int) (t % 2));
                    assertThat(batch.nStepReturns()[j]).isEqualTo(1f + t); // the reward
                    boolean terminal = id.episodeId().equals("e0") && t == 4;
                    // e1's last step is truncated: it still bootstraps with gamma
                    assertThat(batch.bootstrapDiscounts()[j]).isEqualTo(terminal ? 0f : 0.9f);
                    assertThat(batch.weights()[j]).isEqualTo(1f);
                }
            }
            PolicyManifest.Lineage lineage = source.lineage();
            assertThat(lineage.sources()).containsExactly(dataset.uri().toString());
            assertThat(lineage.transitions()).isEqualTo(9);
            assertThat(lineage.eventTimeFromMs()).isBetween(T0, T0 + 4000);
            assertThat(lineage.eventTimeToMs()).isBetween(T0 + HOUR, T0 + HOUR + 3000);
            assertThat(lineage.behaviorPolicyVersions()).containsExactly(0L, 3L);
            assertThat(source.checkpointState())
                    .containsEntry(
                            ReplayDatasetSource.SEED_STATE,
                            Long.toString(ReplayDatasetSource.samplerSeed(config, 0)))
                    .containsEntry(ReplayDatasetSource.BATCHES_STATE, "1");
        }
    }

    @Test
    void replayDatasetGivesTheJobsNStepColumnsAsStored() throws Exception {
        // Written with replay.n-step=3, replay.gamma=0.5; trainer.gamma plays no part.
        ParquetData.writeReplay(root, "it", twoEpisodes(), 3, 0.5);
        TrainerConfig config = config("trainer.gamma", "0.99");
        // Rewards are 1 + step. e0 (terminated at step 4), k = min(3, 5 - t):
        //   G_0 = 1 + .5*2 + .25*3 = 2.75, G_1 = 2 + 1.5 + 1 = 4.5, G_2 = 3 + 2 + 1.25 = 6.25,
        //   G_3 = 4 + 2.5 = 6.5, G_4 = 5; t >= 2 reach the terminated step: discount 0;
        //   t = 0, 1 bootstrap with 0.5^3 from next_obs of step t + 2.
        // e1 (truncated at step 3): G_0 = 2.75, G_1 = 4.5, G_2 = 3 + .5*4 = 5, G_3 = 4;
        //   discounts 0.125, 0.125, 0.25, 0.5 (truncation bootstraps); bootstrap obs from
        //   next_obs of step min(t + 2, 3).
        Map<String, float[]> returns =
                Map.of(
                        "e0", new float[] {2.75f, 4.5f, 6.25f, 6.5f, 5f},
                        "e1", new float[] {2.75f, 4.5f, 5f, 4f});
        Map<String, float[]> discounts =
                Map.of(
                        "e0", new float[] {0.125f, 0.125f, 0f, 0f, 0f},
                        "e1", new float[] {0.125f, 0.125f, 0.25f, 0.5f});
        try (ReplayDataset dataset = open(true, config, DataSelection.all())) {
            ReplayDatasetSource source =
                    ReplayDatasetSource.builder(dataset, config).numActions(2).build();
            assertThat(source.nStepTargets()).isTrue();
            try (TrainingBatch batch = new TrainingBatch(source.spec(), 64)) {
                source.fill(batch);
                for (int j = 0; j < 64; j++) {
                    TransitionId id = dataset.transitionId(batch.rowIds()[j]);
                    int t = (int) id.step();
                    int last = id.episodeId().equals("e0") ? 4 : 3;
                    int bootstrapStep = Math.min(t + 2, last);
                    assertThat(batch.nStepReturns()[j]).isEqualTo(returns.get(id.episodeId())[t]);
                    assertThat(batch.bootstrapDiscounts()[j])
                            .isEqualTo(discounts.get(id.episodeId())[t]);
                    for (int k = 0; k < 4; k++) {
                        assertThat(batch.obs()[j * 4 + k]).isEqualTo(10f * t + k);
                        assertThat(batch.nextObs()[j * 4 + k])
                                .isEqualTo(10f * (bootstrapStep + 1) + k);
                    }
                    assertThat(batch.actions()[j]).isEqualTo(t % 2);
                }
            }
        }
    }

    @Test
    void imageReplayRowsFillTheBatchBytesWithTheEnvTablesShape() throws Exception {
        ParquetData.writeReplay(
                root,
                "it",
                CartPoleLog.breakoutEpisode("MinAtar/Breakout-v1", "e0", 6, T0),
                3,
                0.5);
        TrainerConfig config = config();
        try (ReplayDataset dataset = open(true, config, DataSelection.all())) {
            ReplayDatasetSource source =
                    ReplayDatasetSource.builder(dataset, config).numActions(6).build();
            assertThat(source.spec()).isEqualTo(TransitionSpec.image(10, 10, 4, 6));
            try (TrainingBatch batch = new TrainingBatch(source.spec(), 64)) {
                source.fill(batch);
                for (int j = 0; j < 64; j++) {
                    int t = (int) dataset.transitionId(batch.rowIds()[j]).step();
                    // n = 3: the bootstrap image is next_obs_image of step min(t + 2, 5)
                    int bootstrapStep = Math.min(t + 2, 5);
                    assertThat(Arrays.copyOfRange(batch.obsBytes(), j * 400, (j + 1) * 400))
                            .isEqualTo(CartPoleLog.image(t));
                    assertThat(Arrays.copyOfRange(batch.nextObsBytes(), j * 400, (j + 1) * 400))
                            .isEqualTo(CartPoleLog.image(bootstrapStep + 1));
                    assertThat(batch.bootstrapDiscounts()[j]).isEqualTo(t < 3 ? 0.125f : 0f);
                }
            }
        }
    }

    @Test
    void imagesOfAnEnvOutsideTheEnvTableAreRefusedNamingTheFix() throws Exception {
        ParquetData.writeReplay(
                root, "it", CartPoleLog.breakoutEpisode("MyGame-v0", "e0", 3, T0), 1, 0.5);
        TrainerConfig config = config();
        try (ReplayDataset dataset = open(true, config, DataSelection.all())) {
            assertThatThrownBy(
                            () ->
                                    ReplayDatasetSource.builder(dataset, config)
                                            .numActions(6)
                                            .build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("uint8 images of env MyGame-v0")
                    .hasMessageContaining("imageShape");
            ReplayDatasetSource source =
                    ReplayDatasetSource.builder(dataset, config)
                            .numActions(6)
                            .imageShape(List.of(20, 20, 1))
                            .build();
            assertThat(source.spec().obsShape()).containsExactly(20, 20, 1);
        }
    }

    /** The targets of one sampled row, keyed by episode and step. */
    private record Target(float ret, float discount, float[] nextObs) {}

    /** Every row's targets, from one batch large enough to draw each of the 9 rows. */
    private static Map<String, Target> targets(ReplayDataset dataset, ReplayDatasetSource source) {
        Map<String, Target> out = new HashMap<>();
        try (TrainingBatch batch = new TrainingBatch(source.spec(), 512)) {
            source.fill(batch);
            for (int j = 0; j < 512; j++) {
                TransitionId id = dataset.transitionId(batch.rowIds()[j]);
                out.put(
                        id.episodeId() + "/" + id.step(),
                        new Target(
                                batch.nStepReturns()[j],
                                batch.bootstrapDiscounts()[j],
                                Arrays.copyOfRange(batch.nextObs(), j * 4, j * 4 + 4)));
            }
        }
        return out;
    }

    @Test
    void experienceLogNStepTargetsEqualAReplayDatasetsOfTheSameEpisodes() throws Exception {
        // The same 9 transitions as an experience log and as a replay dataset written by the
        // replay job's code with replay.n-step=3, replay.gamma=0.5; the log is read with
        // trainer.n-step=3, trainer.gamma=0.5. Hand-computed (rewards 1 + step):
        //   e0 (terminated at 4): G = 2.75, 4.5, 6.25, 6.5, 5; discounts .125, .125, 0, 0, 0
        //   e1 (truncated at 3):  G = 2.75, 4.5, 5, 4;          discounts .125, .125, .25, .5
        //   next_obs: that of step min(t + 2, last), i.e. 10 (min(t + 2, last) + 1) + k
        ParquetData.writeExperience(root, twoEpisodes());
        ParquetData.writeReplay(root, "it", twoEpisodes(), 3, 0.5);
        TrainerConfig config =
                config("trainer.n-step", "3", "trainer.gamma", "0.5", "trainer.batch-size", "512");
        Map<String, Target> fromLog;
        Map<String, Target> fromReplay;
        try (ReplayDataset log = open(false, config, DataSelection.all())) {
            ReplayDatasetSource source =
                    ReplayDatasetSource.builder(log, config).numActions(2).build();
            assertThat(source.nStepTargets()).isTrue();
            fromLog = targets(log, source);
        }
        try (ReplayDataset replay = open(true, config, DataSelection.all())) {
            fromReplay =
                    targets(
                            replay,
                            ReplayDatasetSource.builder(replay, config).numActions(2).build());
        }
        assertThat(fromLog).hasSize(9);
        assertThat(fromLog.keySet()).isEqualTo(fromReplay.keySet());
        fromLog.forEach(
                (key, got) -> {
                    Target want = fromReplay.get(key);
                    assertThat(got.ret()).as(key).isEqualTo(want.ret());
                    assertThat(got.discount()).as(key).isEqualTo(want.discount());
                    assertThat(got.nextObs()).as(key).containsExactly(want.nextObs());
                });
        float[] e0 = {2.75f, 4.5f, 6.25f, 6.5f, 5f};
        float[] e0Discount = {0.125f, 0.125f, 0f, 0f, 0f};
        for (int t = 0; t < 5; t++) {
            Target got = fromLog.get("e0/" + t);
            assertThat(got.ret()).isEqualTo(e0[t]);
            assertThat(got.discount()).isEqualTo(e0Discount[t]);
            assertThat(got.nextObs()[0]).isEqualTo(10f * (Math.min(t + 2, 4) + 1));
        }
        assertThat(fromLog.get("e1/2").discount()).isEqualTo(0.25f); // truncation bootstraps
        assertThat(fromLog.get("e1/3").ret()).isEqualTo(4f);
    }

    @Test
    void experienceLogNStepTargetsStopAtTheSelectionsEdge() throws Exception {
        // --to T0 + 2.5 s keeps e0's steps 0..2 (event times T0 + 1000 t) and none of e1. The
        // termination at step 4 is not selected, so the window ends at step 2 and bootstraps
        // from its next_obs, as at a truncation (n = 3, gamma = 0.5, rewards 1 + t):
        //   t = 0: G = 1 + .5 * 2 + .25 * 3 = 2.75, discount .125, next_obs of step 2 (30 + k)
        //   t = 1: G = 2 + .5 * 3 = 3.5,             discount .25,  next_obs of step 2
        //   t = 2: G = 3,                             discount .5,   next_obs of step 2
        // Step 3's reward (4) and step 4's termination never enter a target.
        ParquetData.writeExperience(root, twoEpisodes());
        TrainerConfig config =
                config("trainer.n-step", "3", "trainer.gamma", "0.5", "trainer.batch-size", "512");
        DataSelection selection =
                new DataSelection(
                        Optional.empty(),
                        Optional.empty(),
                        Optional.of(Instant.ofEpochMilli(T0 + 2500)),
                        Optional.empty());
        try (ReplayDataset log = open(false, config, selection)) {
            Map<String, Target> got =
                    targets(
                            log,
                            ReplayDatasetSource.builder(log, config)
                                    .numActions(2)
                                    .selection(selection)
                                    .build());
            assertThat(got.keySet()).containsExactlyInAnyOrder("e0/0", "e0/1", "e0/2");
            float[] returns = {2.75f, 3.5f, 3f};
            float[] discounts = {0.125f, 0.25f, 0.5f};
            for (int t = 0; t < 3; t++) {
                Target target = got.get("e0/" + t);
                assertThat(target.ret()).isEqualTo(returns[t]);
                assertThat(target.discount()).isEqualTo(discounts[t]);
                assertThat(target.nextObs()).containsExactly(30f, 31f, 32f, 33f);
            }
        }
    }

    @Test
    void experienceLogNStepTargetsAreRecomputedWhenARefreshBringsTheEpisodesRest()
            throws Exception {
        // e0's steps 0..2 are committed first, steps 3..4 (terminated at 4) in a later file.
        // n = 3, gamma = 0.5, rewards 1 + t. Before the refresh step 2 ends its run (open):
        //   G_2 = 3, discount .5; after it the window reaches the termination at step 4:
        //   G_2 = 3 + .5 * 4 + .25 * 5 = 6.25, discount 0, next_obs of step 4 (50 + k).
        // Step 0's window (steps 0..2) is the same both times: G = 2.75, discount .125.
        List<Transition> e0 = CartPoleLog.numbered("a0", "e0", 5, T0, true, false, 0);
        ParquetData.writeExperience(root, e0.subList(0, 3));
        TrainerConfig config =
                config("trainer.n-step", "3", "trainer.gamma", "0.5", "trainer.batch-size", "512");
        try (ReplayDataset log = open(false, config, DataSelection.all())) {
            ReplayDatasetSource source =
                    ReplayDatasetSource.builder(log, config).numActions(2).build();
            Map<String, Target> before = targets(log, source);
            assertThat(before).hasSize(3);
            assertThat(before.get("e0/2").ret()).isEqualTo(3f);
            assertThat(before.get("e0/2").discount()).isEqualTo(0.5f);
            assertThat(before.get("e0/2").nextObs()[0]).isEqualTo(30f);

            ParquetData.writeExperience(root, e0.subList(3, 5));
            source.refresh();
            Map<String, Target> after = targets(log, source);
            assertThat(after).hasSize(5);
            assertThat(after.get("e0/2").ret()).isEqualTo(6.25f);
            assertThat(after.get("e0/2").discount()).isEqualTo(0f);
            assertThat(after.get("e0/2").nextObs()[0]).isEqualTo(50f);
            assertThat(after.get("e0/0").ret()).isEqualTo(2.75f);
            assertThat(after.get("e0/0").discount()).isEqualTo(0.125f);
            assertThat(after.get("e0/4").discount()).isEqualTo(0f);
        }
    }

    @Test
    void prioritizedTdErrorsUpdateDatasetPrioritiesAndArePublished() throws Exception {
        ParquetData.writeReplay(root, "it", twoEpisodes(), 3, 0.5);
        TrainerConfig config =
                config("trainer.sampler", "prioritized", "replay.priority.epsilon", "0.01");
        MockProducer<String, byte[]> producer =
                new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
        try (ReplayDataset dataset = open(true, config, DataSelection.all());
                PriorityUpdatePublisher publisher =
                        new PriorityUpdatePublisher(producer, Topics.defaults(), 0.01)) {
            ReplayDatasetSource source =
                    ReplayDatasetSource.builder(dataset, config)
                            .numActions(2)
                            .publishPriorities(publisher, () -> 7L)
                            .build();
            assertThat(source.wantsTdErrors()).isTrue();
            try (TrainingBatch batch = new TrainingBatch(source.spec(), 8)) {
                source.fill(batch);
                float[] td = {-2f, 0.5f, 1f, -0.25f, 3f, 0f, -1.5f, 0.75f};
                source.onTdErrors(batch, td, 11);

                Map<Integer, Float> expected = new HashMap<>(); // a row drawn twice: last wins
                for (int j = 0; j < 8; j++) {
                    expected.put(batch.rowIds()[j], Math.abs(td[j]) + 0.01f);
                }
                expected.forEach(
                        (row, p) -> assertThat(dataset.priority(row)).isCloseTo(p, within(1e-6)));

                List<ProducerRecord<String, byte[]>> sent = producer.history();
                assertThat(sent).hasSize(8);
                var serde = SingleObjectSerde.forClass(PriorityUpdate.class);
                for (int j = 0; j < 8; j++) {
                    PriorityUpdate u = serde.decode(sent.get(j).value());
                    TransitionId id = dataset.transitionId(batch.rowIds()[j]);
                    assertThat(sent.get(j).topic()).isEqualTo("rf.priorities");
                    assertThat(sent.get(j).key()).isEqualTo(id.episodeId());
                    assertThat(u.getActorId()).isEqualTo(id.actorId());
                    assertThat(u.getEpisodeId()).isEqualTo(id.episodeId());
                    assertThat(u.getStep()).isEqualTo(id.step());
                    assertThat(u.getEnvId()).isEqualTo(CartPoleLog.ENV);
                    assertThat(u.getTdError()).isEqualTo(td[j]);
                    assertThat(u.getPriority()).isCloseTo(Math.abs(td[j]) + 0.01, within(1e-6));
                    assertThat(u.getPolicyVersion()).isEqualTo(7);
                    assertThat(u.getTrainerStep()).isEqualTo(11);
                }
            }
        }
    }

    @Test
    void emptyDataIsRefusedNamingTheDirectoryAndTheFilters() throws Exception {
        DataSelection cartPoleToday =
                new DataSelection(
                        Optional.of(CartPoleLog.ENV),
                        Optional.of(Instant.ofEpochMilli(T0)),
                        Optional.empty(),
                        Optional.empty());
        TrainerConfig config = config();
        try (ReplayDataset dataset = open(false, config, cartPoleToday)) {
            URI uri = dataset.uri();
            assertThatThrownBy(
                            () ->
                                    ReplayDatasetSource.builder(dataset, config)
                                            .numActions(2)
                                            .selection(cartPoleToday)
                                            .build())
                    .isInstanceOf(NoTransitionsException.class)
                    .hasMessage(
                            "no committed transitions under "
                                    + uri
                                    + " matching env=CartPole-v1, event time in ["
                                    + Instant.ofEpochMilli(T0)
                                    + ", ...): is ingest running / is the date range right?");
        }
    }

    @Test
    void fillRefusesOnceEveryPartitionExpired() throws Exception {
        ParquetData.writeExperience(root, twoEpisodes());
        TrainerConfig config = config();
        try (ReplayDataset dataset = open(false, config, DataSelection.all());
                TrainingBatch batch = new TrainingBatch(TrainingSpecs.CART_POLE, 64)) {
            ReplayDatasetSource source =
                    ReplayDatasetSource.builder(dataset, config).numActions(2).build();
            source.fill(batch);
            deleteTree(root.resolve("experience"));
            source.refresh();
            assertThatThrownBy(() -> source.fill(batch))
                    .isInstanceOf(NoTransitionsException.class)
                    .hasMessageContaining("no committed transitions under " + dataset.uri())
                    .hasMessageContaining("matching no filter");
        }
    }

    @Test
    void withALimiterFillWaitsAtMostItsTimeoutOrUntilCancelled() throws Exception {
        ParquetData.writeExperience(root, twoEpisodes());
        TrainerConfig config = config();
        // 9 rows, but the limiter wants 100 before the first sample: it holds every batch back.
        var limiter = new SamplesPerInsertSettings(1.0, 8, 100, 8, 8);
        var options =
                ReplayDatasetSource.readOptions(config, DataSelection.all(), 0)
                        .limiter(limiter)
                        .pollInterval(Duration.ofMillis(50))
                        .build();
        try (ReplayDataset dataset = ReplayDataset.openExperienceLog(root.toUri(), options);
                TrainingBatch batch = new TrainingBatch(TrainingSpecs.CART_POLE, 8)) {
            ReplayDatasetSource waiting =
                    ReplayDatasetSource.builder(dataset, config)
                            .numActions(2)
                            .fillTimeout(Duration.ofMillis(300))
                            .build();
            long start = System.nanoTime();
            assertThatThrownBy(() -> waiting.fill(batch))
                    .isInstanceOf(NoTransitionsException.class)
                    .hasMessageContaining("within PT0.3S")
                    .hasMessageContaining("samples-per-insert limiter");
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isLessThan(Duration.ofSeconds(5));

            ReplayDatasetSource cancelled =
                    ReplayDatasetSource.builder(dataset, config)
                            .numActions(2)
                            .cancelWhen(() -> true)
                            .build();
            assertThatThrownBy(() -> cancelled.fill(batch))
                    .isInstanceOf(CancellationException.class)
                    .hasMessageContaining("stopped while waiting");
        }
    }

    @Test
    void rejectsActionsOutsideTheActionSpace() throws Exception {
        List<Transition> log = new ArrayList<>(twoEpisodes());
        log.set(0, Transition.newBuilder(log.get(0)).setAction(5).build());
        ParquetData.writeExperience(root, log);
        TrainerConfig config = config();
        try (ReplayDataset dataset = open(false, config, DataSelection.all());
                TrainingBatch batch = new TrainingBatch(TrainingSpecs.CART_POLE, 64)) {
            ReplayDatasetSource source =
                    ReplayDatasetSource.builder(dataset, config).numActions(2).build();
            assertThatThrownBy(() -> source.fill(batch))
                    .hasMessageContaining("has action 5, outside [0, 2)")
                    .hasMessageContaining("set trainer.num-actions");
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Specs used by the tests. */
    private static final class TrainingSpecs {
        static final io.replayflow.trainer.TransitionSpec CART_POLE =
                io.replayflow.trainer.TransitionSpec.vector(4, 2);
    }
}
