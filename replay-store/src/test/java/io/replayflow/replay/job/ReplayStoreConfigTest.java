package io.replayflow.replay.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ReplayStoreConfigTest {

    private static ReplayStoreConfig.Builder minimal() {
        return ReplayStoreConfig.builder()
                .bootstrapServers("127.0.0.1:9092")
                .dataRoot(URI.create("file:///tmp/rf"));
    }

    @Test
    void defaultsFollowTheIssue() {
        ReplayStoreConfig config = minimal().build();
        assertThat(config.windowDuration()).isEqualTo(Duration.ofHours(6));
        assertThat(config.windowMaxTransitions()).isEmpty();
        assertThat(config.nStep()).isEqualTo(3);
        assertThat(config.gamma()).isEqualTo(0.99);
        assertThat(config.datasetName()).isEqualTo("default");
        assertThat(config.groupId()).isEqualTo("replayflow-replay-store-default");
        assertThat(config.priorityRetention()).isEqualTo(Duration.ofHours(7));
        assertThat(config.datasetUri()).hasToString("file:///tmp/rf/replay/default/");
        assertThat(config.topics().cleanTransitions()).isEqualTo("rf.transitions.clean");
        assertThat(config.scoring().enabled()).isTrue();
        assertThat(config.scoring().batchSize()).isEqualTo(256);
        assertThat(config.scoring().maxWait()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.scoring().policyRoot()).hasToString("file:///tmp/rf/policies/");
        assertThat(config.scoring().policyName()).isNull();
        assertThat(config.scoring().follows("anything")).isTrue();
    }

    @Test
    void datasetKindDefaultsToTransitionsAndSegmentsTakeTheirLength() {
        assertThat(minimal().build().datasetKind()).isEqualTo(DatasetKind.TRANSITIONS);
        assertThat(minimal().build().segmentLength()).isEqualTo(20);
        ReplayStoreConfig segments =
                minimal()
                        .set("replay.dataset.kind", "Segments")
                        .set("replay.segment.length", "8")
                        .build();
        assertThat(segments.datasetKind()).isEqualTo(DatasetKind.SEGMENTS);
        assertThat(segments.segmentLength()).isEqualTo(8);
        assertThatThrownBy(() -> minimal().set("replay.dataset.kind", "episodes").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("replay.dataset.kind is 'episodes'; use transitions or segments");
        assertThatThrownBy(() -> minimal().segmentLength(0).build())
                .hasMessage("replay.segment.length is 0; it must be >= 1 (20 is usual)");
    }

    @Test
    void scoringNeedsALocalPolicyRoot() {
        ReplayStoreConfig.Builder s3 =
                minimal().dataRoot(URI.create("s3://bucket/rf")).scoringPolicyName("cartpole");
        assertThatThrownBy(s3::build)
                .hasMessageContaining("replay.priority.scoring.policy-root is required when")
                .hasMessageContaining("replay.priority.scoring.enabled=false");
        assertThat(s3.scoringEnabled(false).build().scoring().enabled()).isFalse();
        ReplayStoreConfig mounted =
                s3.scoringEnabled(true)
                        .set("replay.priority.scoring.policy-root", "/mnt/rf/policies")
                        .build();
        assertThat(mounted.scoring().policyRoot()).hasToString("file:///mnt/rf/policies/");
        assertThat(mounted.scoring().follows("cartpole")).isTrue();
        assertThat(mounted.scoring().follows("other")).isFalse();
        assertThatThrownBy(
                        () ->
                                minimal()
                                        .set("replay.priority.scoring.policy-root", "s3://b/p")
                                        .build())
                .hasMessageContaining("replay.priority.scoring.policy-root 's3://b/p' is not a")
                .hasMessageContaining("give a file: URI or a path");
        assertThatThrownBy(() -> minimal().scoringBatchSize(0).build())
                .hasMessageContaining("replay.priority.scoring.batch-size is 0");
        assertThatThrownBy(() -> minimal().scoringMaxWait(Duration.ZERO).build())
                .hasMessageContaining("replay.priority.scoring.max-wait is PT0S");
        assertThatThrownBy(() -> minimal().set("replay.priority.epsilon", "-1").build())
                .hasMessageContaining("replay.priority.epsilon is -1.0");
    }

    @Test
    void refusesBadSettingsNamingTheOptionAndTheFix() {
        assertThatThrownBy(
                        () -> ReplayStoreConfig.builder().dataRoot(URI.create("file:///x")).build())
                .hasMessageStartingWith("kafka.bootstrap.servers is required");
        assertThatThrownBy(() -> minimal().nStep(0).build())
                .hasMessageContaining("replay.n-step is 0");
        assertThatThrownBy(() -> minimal().gamma(1.01).build())
                .hasMessageContaining("replay.gamma is 1.01");
        assertThatThrownBy(
                        () ->
                                minimal()
                                        .windowDuration(Duration.ofMinutes(30))
                                        .allowedLateness(Duration.ofHours(1))
                                        .build())
                .hasMessageContaining("replay.window.allowed-lateness (PT1H) is longer than")
                .hasMessageContaining("Lower the lateness or widen the window");
        assertThatThrownBy(() -> minimal().windowMaxTransitions(0).build())
                .hasMessageContaining("replay.window.max-transitions is 0");
        assertThatThrownBy(() -> minimal().compression("LZ77").build())
                .hasMessageContaining("use SNAPPY, ZSTD, GZIP or UNCOMPRESSED");
        assertThatThrownBy(() -> minimal().datasetName("a/b").build())
                .hasMessageContaining("dataset name 'a/b' is not allowed");
        assertThatThrownBy(() -> minimal().initialPriority(Double.NaN).build())
                .hasMessageContaining("replay.priority.initial is NaN");
        assertThatThrownBy(() -> minimal().set("data.root", "/no/scheme").build())
                .hasMessageContaining("has no scheme");
    }

    @Test
    void commandLineTakesOptionKeysAndRefusesUnknownOnes() {
        ReplayStoreConfig config =
                ReplayStoreConfig.fromConfiguration(
                        ReplayStoreJob.parseArgs(
                                new String[] {
                                    "--kafka.bootstrap.servers",
                                    "kafka:9092",
                                    "--data.root=s3://bucket/rf",
                                    "--replay.priority.scoring.enabled",
                                    "false",
                                    "--replay.window.duration",
                                    "90 min",
                                    "--replay.window.max-transitions",
                                    "1000000"
                                }));
        assertThat(config.windowDuration()).isEqualTo(Duration.ofMinutes(90));
        assertThat(config.windowMaxTransitions()).hasValue(1_000_000);
        assertThat(config.datasetUri()).hasToString("s3://bucket/rf/replay/default/");
        assertThatThrownBy(() -> ReplayStoreJob.parseArgs(new String[] {"--replay.nstep", "3"}))
                .hasMessageContaining("unknown option --replay.nstep")
                .hasMessageContaining("replay.n-step");
        assertThatThrownBy(() -> ReplayStoreJob.parseArgs(new String[] {"--replay.gamma"}))
                .hasMessageContaining("needs a value");
    }
}
