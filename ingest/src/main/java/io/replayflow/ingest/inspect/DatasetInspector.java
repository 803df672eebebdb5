package io.replayflow.ingest.inspect;

import io.replayflow.log.layout.DatasetLayout;
import io.replayflow.schemas.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.flink.core.fs.Path;

/**
 * {@code replayflow dataset inspect DIR}: transitions, episodes, mean return by policy version,
 * time range, partitions and files of a data root's experience log, and (given a broker) the dead
 * letters by reason.
 *
 * <pre>{@code
 * DatasetReport report = DatasetInspector.inspect(Path.of("replayflow-data"),
 *         Optional.of("127.0.0.1:9092"), Topics.defaults());
 * report.render(new PrintWriter(System.out));
 * }</pre>
 *
 * <p>Reads only the visible (committed) Parquet files, with the columns it needs; cost is one pass
 * over those columns and memory is one small entry per episode.
 */
public final class DatasetInspector {

    /** How long the dead-letter count may take before it gives up. */
    public static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(30);

    private DatasetInspector() {}

    /** Inspects a local data root. */
    public static DatasetReport inspect(
            java.nio.file.Path dataRoot, Optional<String> bootstrap, Topics topics) {
        return inspect(dataRoot.toAbsolutePath().toUri(), bootstrap, topics);
    }

    /** Inspects a data root on any Flink file system ({@code file://}, {@code s3://}...). */
    public static DatasetReport inspect(URI dataRoot, Optional<String> bootstrap, Topics topics) {
        return inspect(dataRoot, bootstrap, Map.of(), topics);
    }

    /**
     * As {@link #inspect(URI, Optional, Topics)}; the dead-letter consumer also gets {@code
     * kafkaProperties} (security: {@code security.protocol}, {@code sasl.*}, {@code ssl.*}).
     */
    public static DatasetReport inspect(
            URI dataRoot,
            Optional<String> bootstrap,
            Map<String, String> kafkaProperties,
            Topics topics) {
        Objects.requireNonNull(topics, "topics");
        Path experience = new Path(new Path(dataRoot), DatasetLayout.EXPERIENCE_DIR);
        ExperienceLogScanner scan = new ExperienceLogScanner();
        try {
            scan.scan(experience);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the experience log under " + experience, e);
        }
        boolean empty = scan.rows() == 0;
        return new DatasetReport(
                experience.toString(),
                scan.rows(),
                scan.byEnv(),
                scan.episodes(),
                scan.finishedEpisodes(),
                scan.returnsByPolicyVersion(),
                empty ? Optional.empty() : Optional.of(Instant.ofEpochMilli(scan.firstMs())),
                empty ? Optional.empty() : Optional.of(Instant.ofEpochMilli(scan.lastMs())),
                scan.partitions(),
                scan.staging(),
                bootstrap.map(
                        b ->
                                DeadLetterCounter.count(
                                        b, kafkaProperties, topics.deadLetters(), KAFKA_TIMEOUT)));
    }
}
