package io.replayflow.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replayflow.ingest.IngestOptions.StartingOffsets;
import io.replayflow.log.parquet.LogCompression;
import io.replayflow.schemas.env.EnvSpec;
import io.replayflow.schemas.env.EnvSpecs;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.sink.TransactionNamingStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class IngestConfigTest {

    @Test
    void defaultsNeedOnlyBrokersAndADataRoot() {
        IngestConfig config = minimal().build();

        assertThat(config.topics().transitions()).isEqualTo("rf.transitions");
        assertThat(config.dataRoot()).isEqualTo("file:///var/lib/rf");
        assertThat(config.experienceRoot()).isEqualTo("file:///var/lib/rf/experience");
        assertThat(config.checkpointInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.dedupTtl()).isEqualTo(Duration.ofHours(1));
        assertThat(config.statsWindow()).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.startingOffsets()).isEqualTo(StartingOffsets.COMMITTED);
        assertThat(config.transactionNaming()).isEqualTo(TransactionNamingStrategy.POOLING);
        assertThat(config.logCompression()).isEqualTo(LogCompression.ZSTD);
        assertThat(config.compactionEnabled()).isTrue();
        assertThat(config.compactionCheckpoints()).isEqualTo(1);
        assertThat(config.parallelism()).isEmpty();
        assertThat(config.envSpecs().all()).isEqualTo(EnvSpecs.builtIns().all()).isNotEmpty();
        assertThat(config.kafkaProperties()).isEmpty();
    }

    @Test
    void readsTheSameKeysFromAFlinkConfiguration() {
        Map<String, String> settings = new HashMap<>();
        settings.put("kafka.bootstrap.servers", "b1:9092,b2:9092");
        settings.put("kafka.topic-prefix", "team-a.");
        settings.put("data.root", "s3://bucket/rf/");
        settings.put("ingest.dedup.ttl", "30 min");
        settings.put("ingest.checkpoint.interval", "5 s");
        settings.put("ingest.env-specs", "MyPlant-v0:8:4;Pixels-v0:84x84x3:6");
        settings.put("ingest.parallelism", "4");
        settings.put("ingest.log.compression", "SNAPPY");
        settings.put("kafka.properties.security.protocol", "SASL_SSL");
        settings.put("unrelated.key", "ignored");

        IngestConfig config = IngestConfig.fromConfiguration(Configuration.fromMap(settings));

        assertThat(config.bootstrapServers()).isEqualTo("b1:9092,b2:9092");
        assertThat(config.topics().deadLetters()).isEqualTo("team-a.transitions.dlq");
        assertThat(config.dataRoot()).isEqualTo("s3://bucket/rf");
        assertThat(config.dedupTtl()).isEqualTo(Duration.ofMinutes(30));
        assertThat(config.compactionCheckpoints()).isEqualTo(1);
        assertThat(config.envSpecs().find("Pixels-v0"))
                .contains(new EnvSpec("Pixels-v0", List.of(84, 84, 3), 6));
        assertThat(config.parallelism()).hasValue(4);
        assertThat(config.logCompression()).isEqualTo(LogCompression.SNAPPY);
        assertThat(config.kafkaProperties())
                .containsExactly(Map.entry("security.protocol", "SASL_SSL"));
        assertThat(IngestConfig.fromConfiguration(Configuration.fromMap(config.toMap())))
                .isEqualTo(config);
    }

    @Test
    void anAbsolutePathBecomesAFileUri() {
        assertThat(minimal().dataRoot("/tmp/rf/../data/").build().dataRoot())
                .isEqualTo("file:///tmp/data");
    }

    @Test
    void requiredKeysSayHowToSetThem() {
        assertThatThrownBy(() -> IngestConfig.builder().dataRoot("/x").build())
                .hasMessage(
                        "kafka.bootstrap.servers is required: set it, e.g."
                                + " --kafka.bootstrap.servers broker:9092");
        assertThatThrownBy(() -> IngestConfig.builder().bootstrapServers("b:9092").build())
                .hasMessage(
                        "data.root is required: set it, e.g. --data.root"
                                + " file:///var/lib/replayflow");
    }

    @Test
    void aRelativeDataRootIsRefused() {
        assertThatThrownBy(() -> minimal().dataRoot("data").build())
                .hasMessage(
                        "data.root 'data' is a relative path: the job runs elsewhere than this"
                                + " shell; give an absolute path or a URI such as"
                                + " file:///var/lib/replayflow");
    }

    @Test
    void durationsBelowTheirMinimumNameTheKey() {
        assertThatThrownBy(() -> minimal().set(IngestOptions.DEDUP_TTL, Duration.ZERO).build())
                .hasMessage(
                        "ingest.dedup.ttl must be at least 1 s, was 0 ms (it is how long a resent"
                                + " record is still recognised as a duplicate)");
        assertThatThrownBy(
                        () ->
                                minimal()
                                        .set(
                                                IngestOptions.CHECKPOINT_INTERVAL,
                                                Duration.ofMillis(10))
                                        .build())
                .hasMessage("ingest.checkpoint.interval must be at least 100 ms, was 10 ms");
        assertThatThrownBy(() -> minimal().set(IngestOptions.IDLENESS, Duration.ZERO).build())
                .hasMessageStartingWith(
                        "ingest.watermark.idleness must be at least 1 ms, was 0 ms");
    }

    @Test
    void theTransactionTimeoutMustOutlastACheckpoint() {
        assertThatThrownBy(
                        () ->
                                minimal()
                                        .set(
                                                IngestOptions.TRANSACTION_TIMEOUT,
                                                Duration.ofSeconds(5))
                                        .build())
                .hasMessage(
                        "kafka.transaction.timeout (5 s) must be longer than"
                                + " ingest.checkpoint.interval (10 s): a transaction would expire"
                                + " before the checkpoint that commits it; raise the timeout (up"
                                + " to the broker's transaction.max.timeout.ms) or checkpoint more"
                                + " often");
    }

    @Test
    void compactionDelayIsRoundedUpToWholeCheckpoints() {
        // checkpoint interval 10 s (default): 1 s and 0 s -> every checkpoint; 5 min -> 30;
        // 25 s -> 3 (never earlier than asked)
        assertThat(withMaxDelay(Duration.ofSeconds(1)).compactionCheckpoints()).isEqualTo(1);
        assertThat(withMaxDelay(Duration.ZERO).compactionCheckpoints()).isEqualTo(1);
        assertThat(withMaxDelay(Duration.ofMinutes(5)).compactionCheckpoints()).isEqualTo(30);
        assertThat(withMaxDelay(Duration.ofSeconds(25)).compactionCheckpoints()).isEqualTo(3);
    }

    @Test
    void aNegativeCompactionDelayIsRefused() {
        assertThatThrownBy(() -> withMaxDelay(Duration.ofSeconds(-1)))
                .hasMessage(
                        "ingest.log.compaction.max-delay must be at least 0 ms, was -1 s"
                                + " (0 compacts at every checkpoint)");
    }

    private static IngestConfig withMaxDelay(Duration delay) {
        return minimal().set(IngestOptions.COMPACTION_MAX_DELAY, delay).build();
    }

    @Test
    void badValuesNameTheKey() {
        assertThatThrownBy(() -> minimal().setAll(Map.of("ingest.dedup.ttl", "an hour")).build())
                .hasMessageStartingWith("ingest.dedup.ttl has a value that cannot be read:");
        assertThatThrownBy(() -> minimal().setAll(Map.of("ingest.env-specs", "Broken")).build())
                .hasMessageStartingWith(
                        "ingest.env-specs: env spec 'Broken' is not ID:SHAPE:ACTIONS");
        assertThatThrownBy(() -> minimal().setAll(Map.of("ingest.parallelism", "0")).build())
                .hasMessage(
                        "ingest.parallelism must be at least 1, was 0: leave it unset to use the"
                                + " environment's default");
        assertThatThrownBy(() -> minimal().topicPrefix("rf/").build())
                .hasMessageStartingWith("kafka.topic-prefix: topic prefix 'rf/' has characters");
    }

    @Test
    void programArgumentsOverrideTheClusterConfiguration() {
        Configuration settings =
                IngestJob.settings(
                        Map.of("kafka.bootstrap.servers", "cluster:9092", "data.root", "/a"),
                        new String[] {
                            "--data.root", "s3://b/rf", "--ingest.dedup.ttl=2 h", "--kafka.bounded"
                        });
        IngestConfig config = IngestConfig.fromConfiguration(settings);
        assertThat(config.bootstrapServers()).isEqualTo("cluster:9092");
        assertThat(config.dataRoot()).isEqualTo("s3://b/rf");
        assertThat(config.dedupTtl()).isEqualTo(Duration.ofHours(2));
        assertThat(config.bounded()).isTrue();
        assertThatThrownBy(() -> IngestJob.settings(Map.of(), new String[] {"data.root"}))
                .hasMessage(
                        "unexpected argument 'data.root': pass settings as --key value, e.g."
                                + " --data.root s3://bucket/rf (keys: docs/CONFIG.md)");
    }

    private static IngestConfig.Builder minimal() {
        return IngestConfig.builder().bootstrapServers("broker:9092").dataRoot("/var/lib/rf");
    }
}
