package io.replayflow.ingest.republish;

import io.replayflow.log.layout.DataFile;
import io.replayflow.log.layout.DatasetFiles;
import io.replayflow.log.layout.DatasetLayout;
import io.replayflow.log.layout.PartitionPath;
import io.replayflow.log.parquet.FlinkInputFile;
import io.replayflow.log.parquet.TransitionParquet;
import io.replayflow.log.parquet.TransitionReader;
import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.serde.AvroTrust;
import io.replayflow.schemas.serde.SingleObjectSerde;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.flink.core.fs.Path;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Re-publishes a range of the experience log to a Kafka topic in event-time order, as the actors
 * published it: key = the episode id's UTF-8 bytes (so an episode stays in one partition), value =
 * the single-object encoded {@link Transition} with its identity unchanged, record timestamp = its
 * event time. Drives a new pipeline version with old data.
 *
 * <h2>Order and memory</h2>
 *
 * The log is partitioned by hour; the replay reads one hour at a time (every env's partition of
 * that hour), sorts its rows by (event time, actor, episode, step) and sends them, so the whole
 * range goes out in event-time order, each episode's steps in order, with one hour of rows in
 * memory. Pacing: {@code speed} > 0 keeps the gaps between event times divided by {@code speed};
 * {@code maxRate} > 0 caps records per second; neither: as fast as the producer takes them.
 */
public final class LogReplay {

    static {
        AvroTrust.ensureTrusted();
    }

    /**
     * What to replay and how fast.
     *
     * @param dataRoot the data root ({@code <root>/experience/} is read)
     * @param envId one environment, or null for all
     * @param fromMs first event time included
     * @param toMs first event time excluded
     * @param topic where to publish
     * @param speed event-time speed-up (2 = twice real time), 0 for unpaced
     * @param maxRate records per second at most, 0 for no cap
     */
    public record Settings(
            URI dataRoot,
            String envId,
            long fromMs,
            long toMs,
            String topic,
            double speed,
            double maxRate) {

        public Settings {
            if (speed < 0 || maxRate < 0 || (speed > 0 && maxRate > 0)) {
                throw new IllegalArgumentException(
                        "give at most one of --speed and --max-rate, each > 0 (speed "
                                + speed
                                + ", max rate "
                                + maxRate
                                + ")");
            }
            if (fromMs >= toMs) {
                throw new IllegalArgumentException(
                        "the range is empty: --from must be before --to");
            }
        }
    }

    /** Records sent so far, of the hours read so far. */
    public record Progress(long records, long hoursDone, long hoursTotal, Duration elapsed) {}

    private final Settings settings;
    private final Producer<byte[], byte[]> producer;
    private final SingleObjectSerde<Transition> serde =
            SingleObjectSerde.forClass(Transition.class);

    /**
     * @param producer byte[] keys and values; not closed here
     */
    public LogReplay(Settings settings, Producer<byte[], byte[]> producer) {
        this.settings = settings;
        this.producer = producer;
    }

    /** Sends the range, reporting after each hour; returns the records sent. */
    public Progress run(Consumer<Progress> progress) throws IOException, InterruptedException {
        long started = System.nanoTime();
        Map<Long, List<DataFile>> hours = filesByHour();
        long sent = 0;
        long done = 0;
        Pacer pacer = new Pacer(settings.speed(), settings.maxRate(), started);
        for (List<DataFile> files : hours.values()) {
            List<Transition> rows = read(files);
            rows.sort(
                    Comparator.comparingLong(Transition::getEventTimeMs)
                            .thenComparing(t -> t.getActorId().toString())
                            .thenComparing(t -> t.getEpisodeId().toString())
                            .thenComparingLong(Transition::getStep));
            for (Transition t : rows) {
                pacer.await(t.getEventTimeMs(), sent);
                producer.send(
                        new ProducerRecord<>(
                                settings.topic(),
                                null,
                                t.getEventTimeMs(),
                                t.getEpisodeId().toString().getBytes(StandardCharsets.UTF_8),
                                serde.encode(t)));
                sent++;
            }
            done++;
            producer.flush();
            progress.accept(
                    new Progress(
                            sent,
                            done,
                            hours.size(),
                            Duration.ofNanos(System.nanoTime() - started)));
        }
        producer.flush();
        return new Progress(
                sent, done, hours.size(), Duration.ofNanos(System.nanoTime() - started));
    }

    private Map<Long, List<DataFile>> filesByHour() throws IOException {
        Map<Long, List<DataFile>> hours = new TreeMap<>();
        List<DataFile> files =
                DatasetFiles.list(
                        new Path(DatasetLayout.experienceLog(settings.dataRoot())),
                        this::mayInclude);
        for (DataFile f : files) {
            long hour = f.partition().map(PartitionPath::hourStartMs).orElse(Long.MIN_VALUE);
            hours.computeIfAbsent(hour, h -> new ArrayList<>()).add(f);
        }
        return hours;
    }

    private boolean mayInclude(PartitionPath p) {
        return (settings.envId() == null || settings.envId().equals(p.envId()))
                && p.overlaps(settings.fromMs(), settings.toMs());
    }

    private List<Transition> read(List<DataFile> files) throws IOException {
        List<Transition> rows = new ArrayList<>();
        for (DataFile f : files) {
            try (TransitionReader reader = TransitionParquet.reader(FlinkInputFile.of(f.path()))) {
                for (Transition t = reader.read(); t != null; t = reader.read()) {
                    if (includes(t)) {
                        rows.add(t);
                    }
                }
            }
        }
        return rows;
    }

    private boolean includes(Transition t) {
        long at = t.getEventTimeMs();
        return at >= settings.fromMs()
                && at < settings.toMs()
                && (settings.envId() == null || settings.envId().contentEquals(t.getEnvId()));
    }

    /** Sleeps to keep event-time gaps divided by the speed, or the rate under the cap. */
    private static final class Pacer {
        private final double speed;
        private final double maxRate;
        private final long startNanos;
        private long firstEventMs = Long.MIN_VALUE;

        Pacer(double speed, double maxRate, long startNanos) {
            this.speed = speed;
            this.maxRate = maxRate;
            this.startNanos = startNanos;
        }

        void await(long eventTimeMs, long sent) throws InterruptedException {
            long dueNanos;
            if (speed > 0) {
                if (firstEventMs == Long.MIN_VALUE) {
                    firstEventMs = eventTimeMs;
                }
                dueNanos = startNanos + (long) ((eventTimeMs - firstEventMs) * 1e6 / speed);
            } else if (maxRate > 0) {
                dueNanos = startNanos + (long) (sent * 1e9 / maxRate);
            } else {
                return;
            }
            long wait = dueNanos - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
        }
    }
}
