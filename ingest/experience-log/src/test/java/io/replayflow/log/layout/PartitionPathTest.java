package io.replayflow.log.layout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class PartitionPathTest {

    @Test
    void partitionOfAnEventIsItsUtcHour() {
        long t = Instant.parse("2026-11-20T07:59:59.999Z").toEpochMilli();
        PartitionPath p = PartitionPath.of("CartPole-v1", t);
        assertThat(p.relativePath()).isEqualTo("env_id=CartPole-v1/date=2026-11-20/hour=07");
        assertThat(p.hourEndMs()).isEqualTo(t + 1);
        assertThat(PartitionPath.parse(p.relativePath() + "/part-1.parquet")).contains(p);
    }

    @Test
    void escapesEnvIdsForADirectoryName() {
        PartitionPath p = new PartitionPath("ALE/Pong v5=é", 0);
        assertThat(p.relativePath()).startsWith("env_id=ALE~2FPong~20v5~3D~C3~A9/date=1970-01-01");
        assertThat(PartitionPath.parse(p.relativePath()).orElseThrow().envId())
                .isEqualTo("ALE/Pong v5=é");
    }

    @Test
    void pathsWithoutTheKeysHaveNoPartitionAndBadValuesAreNamed() {
        assertThat(PartitionPath.parse("part-0.parquet")).isEmpty();
        assertThatThrownBy(() -> PartitionPath.parse("env_id=a/date=2026-13-01/hour=01"))
                .hasMessageContaining("malformed date or hour");
        assertThatThrownBy(() -> PartitionPath.parse("env_id=a/date=2026-01-01/hour=24"))
                .hasMessageContaining("hour=24");
    }

    @Test
    void datasetNamesMustBePortableDirectoryNames() {
        assertThat(DatasetLayout.replayDataset(java.net.URI.create("file:///d"), "cart-6h"))
                .hasToString("file:///d/replay/cart-6h/");
        assertThatThrownBy(() -> DatasetLayout.checkDatasetName("../x"))
                .hasMessageContaining("dataset name '../x' is not allowed");
        assertThat(DatasetLayout.isCommittedDataFile("part-1.parquet")).isTrue();
        assertThat(DatasetLayout.isCommittedDataFile(".part-1.parquet.inprogress.x")).isFalse();
        assertThat(DatasetLayout.isCommittedDataFile("_SUCCESS")).isFalse();
    }

    @Test
    void envDateAndHourOfTheEventTimeInUtc() {
        long t = Instant.parse("2026-11-21T07:59:59.999Z").toEpochMilli();
        assertThat(PartitionPath.of("CartPole-v1", t).relativePath())
                .isEqualTo("env_id=CartPole-v1/date=2026-11-21/hour=07");
        assertThat(PartitionPath.of("CartPole-v1", t + 1).relativePath())
                .isEqualTo("env_id=CartPole-v1/date=2026-11-21/hour=08");
        assertThat(
                        PartitionPath.of(
                                        "CartPole-v1",
                                        Instant.parse("2026-12-31T23:00:00Z").toEpochMilli())
                                .relativePath())
                .isEqualTo("env_id=CartPole-v1/date=2026-12-31/hour=23");
    }

    @Test
    void timesBeforeTheEpochFloorToTheirHour() {
        assertThat(PartitionPath.of("e", -1).relativePath())
                .isEqualTo("env_id=e/date=1969-12-31/hour=23");
    }

    @Test
    void everythingButLettersDigitsDashUnderscoreAndDotIsEscaped() {
        assertThat(PartitionPath.escape("MinAtar/Breakout-v1")).isEqualTo("MinAtar~2FBreakout-v1");
        assertThat(PartitionPath.escape("a=b:c%d~")).isEqualTo("a~3Db~3Ac~25d~7E");
        assertThat(PartitionPath.escape("tab\there")).isEqualTo("tab~09here");
        assertThat(PartitionPath.escape("MountainCar-v0_x.y")).isEqualTo("MountainCar-v0_x.y");
        assertThat(PartitionPath.unescape(PartitionPath.escape("a/b=c%d~\u0001 é")))
                .isEqualTo("a/b=c%d~\u0001 é");
    }

    @Test
    void anEscapedPartitionSurvivesFlinkPathRoundTrips() {
        // Flink's file sink stores a pending file as path.toUri().toString() and restores it with
        // new Path(String); with %XX escaping every round trip added a level of quoting.
        String dir = "file:/tmp/log/" + new PartitionPath("ALE/Pong v5=é%~", 0).relativePath();
        org.apache.flink.core.fs.Path path = new org.apache.flink.core.fs.Path(dir);
        for (int i = 0; i < 3; i++) {
            path = new org.apache.flink.core.fs.Path(path.toUri().toString());
        }
        assertThat(path.toString()).isEqualTo(dir);
        assertThat(PartitionPath.parse(path.getPath().substring("/tmp/log/".length())))
                .map(PartitionPath::envId)
                .contains("ALE/Pong v5=é%~");
    }

    @Test
    void theDataRootLayoutNamesEveryTopLevelDirectory() {
        java.net.URI root = java.net.URI.create("s3://bucket/rf");
        assertThat(DatasetLayout.experienceLog(root)).hasToString("s3://bucket/rf/experience/");
        assertThat(DatasetLayout.policies(root)).hasToString("s3://bucket/rf/policies/");
        assertThat(DatasetLayout.checkpoints(root)).hasToString("s3://bucket/rf/checkpoints/");
        assertThat(DatasetLayout.priorities(DatasetLayout.replayDataset(root, "d")))
                .hasToString("s3://bucket/rf/replay/d/_priorities/");
    }
}
