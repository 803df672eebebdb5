package io.replayflow.replay.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replayflow.log.layout.DatasetLayout;
import io.replayflow.log.layout.PartitionPath;
import io.replayflow.replay.data.testing.ExperienceFiles;
import io.replayflow.replay.data.testing.Transitions;
import io.replayflow.replay.episode.EpisodeEnrichment;
import io.replayflow.replay.limit.SamplesPerInsertSettings;
import io.replayflow.replay.priority.PriorityEntry;
import io.replayflow.replay.priority.PriorityFile;
import io.replayflow.replay.row.ReplayRow;
import io.replayflow.replay.sample.BetaSchedule;
import io.replayflow.schemas.avro.PriorityUpdate;
import io.replayflow.schemas.avro.Transition;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReplayDatasetTest {

    private static final long HOUR = PartitionPath.HOUR_MS;
    private static final long T0 = 1_763_600_000_000L / HOUR * HOUR; // an hour start in 2025

    @TempDir Path root;

    private Path experience() {
        return root.resolve(DatasetLayout.EXPERIENCE_DIR);
    }

    private URI experienceUri() {
        return experience().toUri();
    }

    /** Two CartPole episodes in hour 0, one in hour 1, and an Acrobot episode (obs of 6). */
    private List<Transition> writeMixedLog() {
        List<Transition> cartPole = new ArrayList<>();
        cartPole.addAll(
                Transitions.episode("CartPole-v1", "a0", "e0", 5, T0, 1000, true, false, 0, 4));
        cartPole.addAll(
                Transitions.episode(
                        "CartPole-v1", "a1", "e1", 7, T0 + 10_000, 1000, false, true, 1, 4));
        cartPole.addAll(
                Transitions.episode(
                        "CartPole-v1", "a0", "e2", 4, T0 + HOUR + 5, 1000, true, false, 2, 4));
        List<Transition> all = new ArrayList<>(cartPole);
        all.addAll(Transitions.episode("Acrobot-v1", "a9", "e9", 3, T0, 1000, true, false, 0, 6));
        ExperienceFiles.writePartitioned(experience(), all);
        return cartPole;
    }

    @Test
    void loadsTheExperienceLogIntoColumnsAndGathersSampledRows() throws IOException {
        writeMixedLog();
        ReplayReadOptions options = ReplayReadOptions.builder().envs("CartPole-v1").seed(7).build();
        try (ReplayDataset data = ReplayDataset.open(experienceUri(), options)) {
            assertThat(data.liveRows()).isEqualTo(16);
            assertThat(data.loadedFiles()).isEqualTo(2);
            assertThat(data.obsDim()).isEqualTo(4);
            assertThat(data.isEnriched()).isFalse();
            ReplayBatch batch = data.newBatch(64);
            data.sample(batch);
            assertThat(batch.hasNStep()).isFalse();
            for (int j = 0; j < batch.size(); j++) {
                TransitionId id = data.transitionId(batch.rowIds()[j]);
                long step = id.step();
                assertThat(id.envId()).isEqualTo("CartPole-v1");
                for (int k = 0; k < 4; k++) {
                    assertThat(batch.obs()[j * 4 + k]).isEqualTo(step * 10f + k);
                    assertThat(batch.nextObs()[j * 4 + k]).isEqualTo((step + 1) * 10f + k);
                }
                assertThat(batch.action()[j]).isEqualTo((int) (step % 2));
                assertThat(batch.reward()[j]).isEqualTo(1.0f + step);
                assertThat(batch.behaviorProb()[j]).isEqualTo(0.5f);
                assertThat(batch.eventTimeMs()[j]).isEqualTo(data.eventTimeMs(batch.rowIds()[j]));
                boolean last =
                        (id.episodeId().equals("e0") && step == 4)
                                || (id.episodeId().equals("e1") && step == 6)
                                || (id.episodeId().equals("e2") && step == 3);
                assertThat(batch.terminated()[j] || batch.truncated()[j]).isEqualTo(last);
                assertThat(batch.weights()[j]).isEqualTo(1.0f);
            }
        }
    }

    @Test
    void readGathersTheRowsTheCallerNamesAndRefusesRowsThatAreNotLive() throws IOException {
        writeMixedLog();
        ReplayReadOptions options = ReplayReadOptions.builder().envs("CartPole-v1").build();
        try (ReplayDataset data = ReplayDataset.open(experienceUri(), options)) {
            int[] live = data.liveRowIds();
            ReplayBatch batch = data.newBatch(3);
            batch.rowIds()[0] = live[5];
            batch.rowIds()[1] = live[0];
            batch.rowIds()[2] = live[5]; // the same row twice is fine
            data.read(batch);
            for (int j = 0; j < 3; j++) {
                long step = data.transitionId(batch.rowIds()[j]).step();
                assertThat(batch.obs()[j * 4]).isEqualTo(step * 10f);
                assertThat(batch.nextObs()[j * 4 + 3]).isEqualTo((step + 1) * 10f + 3);
                assertThat(batch.reward()[j]).isEqualTo(1.0f + step);
            }
            batch.rowIds()[1] = live[live.length - 1] + 1;
            assertThatThrownBy(() -> data.read(batch))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("row " + (live[live.length - 1] + 1))
                    .hasMessageContaining("is not live");
        }
    }

    @Test
    void skipsHiddenInProgressAndMetadataFiles() throws IOException {
        writeMixedLog();
        Path partition = experience().resolve(PartitionPath.of("CartPole-v1", T0).relativePath());
        Files.writeString(partition.resolve(".part-1.parquet.inprogress.abc"), "not parquet");
        Files.writeString(partition.resolve("_SUCCESS"), "");
        Files.writeString(partition.resolve("notes.txt"), "not data");
        Files.createDirectories(experience().resolve("_priorities"));
        try (ReplayDataset data =
                ReplayDataset.open(
                        experienceUri(), ReplayReadOptions.builder().envs("CartPole-v1").build())) {
            assertThat(data.liveRows()).isEqualTo(16);
        }
    }

    @Test
    void filtersByTimeRangeAndPolicyVersionRowByRow() throws IOException {
        writeMixedLog();
        ReplayReadOptions byTime =
                ReplayReadOptions.builder()
                        .envs("CartPole-v1")
                        .timeRangeMs(T0 + 2000, T0 + HOUR + 1006)
                        .build();
        try (ReplayDataset data = ReplayDataset.open(experienceUri(), byTime)) {
            // e0 steps 2..4 (3 rows), e1 all 7, e2 steps 0..1 (2 rows)
            assertThat(data.liveRows()).isEqualTo(12);
        }
        ReplayReadOptions byPolicy =
                ReplayReadOptions.builder().envs("CartPole-v1").policyVersions(1, 2).build();
        try (ReplayDataset data = ReplayDataset.open(experienceUri(), byPolicy)) {
            assertThat(data.liveRows()).isEqualTo(11);
            for (int row : data.liveRowIds()) {
                assertThat(data.transitionId(row).episodeId()).isIn("e1", "e2");
            }
        }
    }

    @Test
    void refusesToMixObservationSizesAndNamesTheFix() {
        writeMixedLog();
        assertThatThrownBy(() -> ReplayDataset.open(experienceUri(), ReplayReadOptions.defaults()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("holds 4 floats, but the dataset's observations hold 6")
                .hasMessageContaining("filter by env");
    }

    @Test
    void refreshLoadsOnlyNewFilesAndDropsExpiredPartitions() throws IOException {
        writeMixedLog();
        try (ReplayDataset data =
                ReplayDataset.open(
                        experienceUri(),
                        ReplayReadOptions.builder().envs("CartPole-v1").seed(3).build())) {
            assertThat(data.refresh().filesAdded()).isZero();

            ExperienceFiles.writePartitioned(
                    experience(),
                    Transitions.episode(
                            "CartPole-v1", "a2", "e3", 6, T0 + 2 * HOUR, 1000, true, false, 3, 4));
            RefreshResult added = data.refresh();
            assertThat(added.filesAdded()).isEqualTo(1);
            assertThat(added.rowsAdded()).isEqualTo(6);
            assertThat(data.liveRows()).isEqualTo(22);

            deleteRecursively(
                    experience().resolve(PartitionPath.of("CartPole-v1", T0).relativePath()));
            RefreshResult dropped = data.refresh();
            assertThat(dropped.filesRemoved()).isEqualTo(1);
            assertThat(dropped.rowsRemoved()).isEqualTo(12);
            assertThat(data.liveRows()).isEqualTo(10);

            ReplayBatch batch = data.newBatch(256);
            for (int i = 0; i < 20; i++) {
                data.sample(batch);
                for (long t : batch.eventTimeMs()) {
                    assertThat(t).isGreaterThanOrEqualTo(T0 + HOUR);
                }
            }
        }
    }

    @Test
    void opensADatasetThatDoesNotExistYetAndPicksItUpLater() throws IOException {
        try (ReplayDataset data =
                ReplayDataset.open(experienceUri(), ReplayReadOptions.defaults())) {
            assertThat(data.liveRows()).isZero();
            assertThatThrownBy(() -> data.newBatch(8))
                    .hasMessageContaining("observation size is not known yet");
            writeMixedLog();
            assertThatThrownBy(data::refresh).hasMessageContaining("filter by env");
        }
        try (ReplayDataset data =
                ReplayDataset.open(
                        experienceUri(), ReplayReadOptions.builder().envs("Acrobot-v1").build())) {
            assertThat(data.obsDim()).isEqualTo(6);
            assertThat(data.liveRows()).isEqualTo(3);
        }
    }

    @Test
    void replayRowsCarryNStepColumnsAndStartFromStoredPriorities() throws IOException {
        Path dataset = root.resolve("replay").resolve("default");
        List<ReplayRow> rows = new ArrayList<>();
        for (Transition t :
                Transitions.episode("CartPole-v1", "a0", "e0", 5, T0, 1000, true, false, 0, 4)) {
            rows.add(ReplayRow.fromTransition(t));
        }
        EpisodeEnrichment.enrich(rows, 3, 0.5);
        rows.forEach(r -> r.priority = 2.0);
        PartitionPath partition = PartitionPath.of("CartPole-v1", T0);
        ExperienceFiles.writeReplayRows(
                dataset.resolve(partition.relativePath()).resolve("part-0.parquet"), rows);
        PriorityEntry update = new PriorityEntry();
        update.actorId = "a0";
        update.episodeId = "e0";
        update.step = 3;
        update.priority = 9.0;
        update.trainerStep = 100;
        PriorityFile.write(
                new org.apache.flink.core.fs.Path(
                        dataset.resolve("_priorities").resolve(partition.relativePath()).toUri()),
                List.of(update),
                1000,
                0);

        ReplayReadOptions options =
                ReplayReadOptions.builder()
                        .sampler(SamplerSpec.prioritized(1.0, new BetaSchedule(1.0, 0)))
                        .seed(11)
                        .build();
        try (ReplayDataset data = ReplayDataset.openReplay(root.toUri(), "default", options)) {
            assertThat(data.isEnriched()).isTrue();
            int row3 = data.findRow("a0", "e0", 3);
            int row0 = data.findRow("a0", "e0", 0);
            assertThat(data.priority(row3)).isEqualTo(9.0);
            assertThat(data.priority(row0)).isEqualTo(2.0);

            ReplayBatch batch = data.newBatch(4000);
            data.sample(batch);
            int draws3 = 0;
            for (int j = 0; j < batch.size(); j++) {
                int step = (int) data.transitionId(batch.rowIds()[j]).step();
                draws3 += step == 3 ? 1 : 0;
                // rewards 1..5, n = 3, gamma = 0.5 (see NStepTargetsTest for the hand-worked sums)
                float[] expectedReturn = {2.75f, 4.5f, 6.25f, 6.5f, 5.0f};
                assertThat(batch.nStepReturn()[j]).isEqualTo(expectedReturn[step]);
                assertThat(batch.bootstrapCut()[j]).isEqualTo(step >= 2);
                int bootstrapStep = Math.min(step + 2, 4);
                assertThat(batch.bootstrapObs()[j * 4]).isEqualTo((bootstrapStep + 1) * 10f);
            }
            // P(step 3) = 9 / (4 * 2 + 9) = 0.53
            assertThat(draws3 / 4000.0).isBetween(0.48, 0.58);

            PriorityUpdate out = data.priorityUpdate(row3, 4.0, 3.9f, 7, 123);
            assertThat(out.getActorId()).isEqualTo("a0");
            assertThat(out.getEpisodeId()).isEqualTo("e0");
            assertThat(out.getStep()).isEqualTo(3);
            assertThat(out.getEnvId()).isEqualTo("CartPole-v1");
            assertThat(out.getTrainerStep()).isEqualTo(123);

            assertThat(data.updatePriorities(new int[] {row0}, new double[] {5.0}, 1)).isOne();
            assertThat(data.priority(row0)).isEqualTo(5.0);
            assertThatThrownBy(
                            () ->
                                    data.updatePriorities(
                                            new int[] {row0}, new double[] {Double.NaN}, 1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("NaN");
        }
    }

    @Test
    void limiterAdmitsRowsAsSamplesAreDrawn() throws IOException {
        List<Transition> log = Transitions.cartPole(1000, T0, 5);
        ExperienceFiles.writePartitioned(experience(), log);
        // r = 1 sample per insert, tolerance 30, min size 100, batches of 10, inserts of <= 50
        SamplesPerInsertSettings settings = new SamplesPerInsertSettings(1.0, 30, 100, 10, 50);
        try (ReplayDataset data =
                ReplayDataset.open(
                        experienceUri(), ReplayReadOptions.builder().limiter(settings).build())) {
            assertThat(data.liveRows()).isEqualTo(100);
            assertThat(data.pendingRows()).isEqualTo(900);
            ReplayBatch batch = data.newBatch(10);
            assertThatThrownBy(() -> data.sample(batch)).hasMessageContaining("trySample");
            int drawn = 0;
            while (data.trySample(batch)) {
                drawn += batch.size();
                double deviation = drawn - 1.0 * (data.liveRows() - 100);
                assertThat(Math.abs(deviation)).isLessThanOrEqualTo(30 + 50);
                if (drawn > 5000) {
                    break;
                }
            }
            assertThat(data.liveRows()).isEqualTo(1000);
            assertThat(data.pendingRows()).isZero();
            // all rows in: the sampler is now ahead and must wait for inserts
            assertThat(drawn).isBetween(900, 900 + 30);
        }
    }

    @Test
    void limiterLetsRowsInAgainWhenTheAdmittedOnesLeaveBeforeBeingSampled() throws IOException {
        // Hour 0 holds 100 rows, hour 2 another 300: the limiter admits the first 100 (min size)
        // and holds the rest until samples are drawn.
        ExperienceFiles.writePartitioned(experience(), Transitions.cartPole(100, T0, 5));
        ExperienceFiles.writePartitioned(experience(), Transitions.cartPole(300, T0 + 2 * HOUR, 6));
        SamplesPerInsertSettings settings = new SamplesPerInsertSettings(1.0, 30, 100, 10, 50);
        try (ReplayDataset data =
                ReplayDataset.open(
                        experienceUri(), ReplayReadOptions.builder().limiter(settings).build())) {
            assertThat(data.liveRows()).isEqualTo(100);
            assertThat(data.pendingRows()).isEqualTo(300);

            // Every admitted row leaves (as when compaction replaces the file) before a sample.
            deleteRecursively(
                    experience().resolve(PartitionPath.of("CartPole-v1", T0).relativePath()));
            assertThat(data.refresh().rowsRemoved()).isEqualTo(100);

            // Before the limiter counted removals, nothing was live and no insert was allowed:
            // trySample returned false forever.
            ReplayBatch batch = data.newBatch(10);
            assertThat(data.trySample(batch)).isTrue();
            assertThat(data.liveRows()).isEqualTo(100);
            for (long t : batch.eventTimeMs()) {
                assertThat(t).isGreaterThanOrEqualTo(T0 + 2 * HOUR);
            }
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Test
    void imageReplayRowsComeBackByteForByteWithTheirBootstrapImages() throws IOException {
        Path dataset = root.resolve("replay").resolve("default");
        List<ReplayRow> rows = new ArrayList<>();
        for (String episode : List.of("e0", "e1")) {
            for (Transition t :
                    Transitions.imageEpisode(
                            "MinAtar/Breakout-v1",
                            "a0",
                            episode,
                            6,
                            T0,
                            true,
                            List.of(10, 10, 4))) {
                rows.add(ReplayRow.fromTransition(t));
            }
        }
        EpisodeEnrichment.enrich(rows.subList(0, 6), 3, 0.5);
        EpisodeEnrichment.enrich(rows.subList(6, 12), 3, 0.5);
        // e1's bootstrap images are stored explicitly (a row split from its bootstrap row's file
        // would be); the reader must hand out the stored bytes, not a neighbour's next image.
        PartitionPath partition = PartitionPath.of("MinAtar/Breakout-v1", T0);
        Path dir = dataset.resolve(partition.relativePath());
        ExperienceFiles.writeReplayRows(dir.resolve("part-0.parquet"), rows.subList(0, 6));
        for (int i = 6; i < 12; i++) {
            ExperienceFiles.writeReplayRows(
                    dir.resolve("part-" + i + ".parquet"), rows.subList(i, i + 1));
        }

        try (ReplayDataset data =
                ReplayDataset.openReplay(
                        root.toUri(), "default", ReplayReadOptions.builder().seed(3).build())) {
            assertThat(data.images()).isTrue();
            assertThat(data.obsDim()).isEqualTo(400);
            ReplayBatch batch = data.newBatch(256);
            data.sample(batch);
            assertThat(batch.images()).isTrue();
            assertThat(batch.obs()).isNull();
            assertThat(batch.bootstrapObs()).isNull();
            for (int j = 0; j < batch.size(); j++) {
                int step = (int) data.transitionId(batch.rowIds()[j]).step();
                assertThat(slice(batch.obsBytes(), j)).isEqualTo(Transitions.image(step, 400));
                assertThat(slice(batch.nextObsBytes(), j))
                        .isEqualTo(Transitions.image(step + 1, 400));
                int bootstrapStep = Math.min(step + 2, 5);
                assertThat(slice(batch.bootstrapObsBytes(), j))
                        .isEqualTo(Transitions.image(bootstrapStep + 1, 400));
            }
        }
    }

    @Test
    void experienceLogImagesAreReadAndAVectorFileAmongThemIsRefused() throws IOException {
        List<Transition> log = new ArrayList<>();
        log.addAll(
                Transitions.imageEpisode(
                        "MinAtar/Breakout-v1", "a0", "e0", 5, T0, true, List.of(10, 10, 4)));
        log.addAll(Transitions.episode("CartPole-v1", "a1", "e1", 3, T0, 1000, true, false, 0, 4));
        ExperienceFiles.writePartitioned(experience(), log);

        ReplayReadOptions breakout =
                ReplayReadOptions.builder().envs("MinAtar/Breakout-v1").seed(5).build();
        try (ReplayDataset data = ReplayDataset.open(experienceUri(), breakout)) {
            assertThat(data.images()).isTrue();
            ReplayBatch batch = data.newBatch(64);
            data.sample(batch);
            for (int j = 0; j < batch.size(); j++) {
                int step = (int) data.transitionId(batch.rowIds()[j]).step();
                assertThat(slice(batch.obsBytes(), j)).isEqualTo(Transitions.image(step, 400));
                assertThat(slice(batch.nextObsBytes(), j))
                        .isEqualTo(Transitions.image(step + 1, 400));
            }
        }
        ReplayReadOptions cartPole = ReplayReadOptions.builder().envs("CartPole-v1").build();
        try (ReplayDataset data = ReplayDataset.open(experienceUri(), cartPole)) {
            assertThat(data.images()).isFalse();
            assertThat(data.obsDim()).isEqualTo(4);
        }
        assertThatThrownBy(
                        () ->
                                ReplayDataset.open(
                                        experienceUri(), ReplayReadOptions.builder().build()))
                .hasStackTraceContaining("a dataset holds one kind of observation; filter by env");
    }

    private static byte[] slice(byte[] images, int slot) {
        return java.util.Arrays.copyOfRange(images, slot * 400, (slot + 1) * 400);
    }
}
