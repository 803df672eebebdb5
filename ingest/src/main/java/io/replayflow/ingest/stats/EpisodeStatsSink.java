package io.replayflow.ingest.stats;

import io.replayflow.ingest.IngestMetrics;
import io.replayflow.schemas.avro.EpisodeStats;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.metrics.MetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes each closed statistics window as gauges ({@code ingest/episode_return_mean}, {@code
 * ingest/episode_length_mean}, {@code ingest/window_episodes} with variables {@code env_id} and
 * {@code policy_version}) and as one INFO log line. A gauge shows the last closed window of its
 * series.
 *
 * <p>Flink cannot unregister a gauge while a task runs, so at most {@value #MAX_SERIES} (env,
 * version) series get gauges per subtask; later ones are logged only. Windows are few (one per env
 * and version per window length), so this sink runs at parallelism 1.
 */
public final class EpisodeStatsSink implements Sink<EpisodeStats> {

    private static final long serialVersionUID = 1L;

    static final int MAX_SERIES = 256;

    @Override
    public SinkWriter<EpisodeStats> createWriter(WriterInitContext context) {
        return new Writer(context.metricGroup());
    }

    private static final class Writer implements SinkWriter<EpisodeStats> {
        private static final Logger LOG = LoggerFactory.getLogger(EpisodeStatsSink.class);

        private final MetricGroup group;
        private final Map<String, EpisodeStats> latest = new ConcurrentHashMap<>();

        Writer(MetricGroup operatorGroup) {
            this.group = IngestMetrics.group(operatorGroup);
        }

        @Override
        public void write(EpisodeStats stats, Context context) {
            if (LOG.isInfoEnabled()) {
                LOG.info("Episode statistics: {}", EpisodeStatsWindow.describe(stats));
            }
            String series = stats.getEnvId() + "/" + stats.getPolicyVersion();
            if (latest.containsKey(series)) {
                latest.put(series, stats);
            } else if (latest.size() < MAX_SERIES) {
                latest.put(series, stats);
                register(series, stats);
            }
        }

        private void register(String series, EpisodeStats first) {
            MetricGroup g =
                    group.addGroup(IngestMetrics.ENV_ID, first.getEnvId())
                            .addGroup(
                                    IngestMetrics.POLICY_VERSION,
                                    Long.toString(first.getPolicyVersion()));
            g.gauge(IngestMetrics.EPISODE_RETURN_MEAN, () -> latest.get(series).getMeanReturn());
            g.gauge(IngestMetrics.EPISODE_LENGTH_MEAN, () -> latest.get(series).getMeanLength());
            g.gauge(IngestMetrics.WINDOW_EPISODES, () -> latest.get(series).getEpisodes());
        }

        @Override
        public void flush(boolean endOfInput) {}

        @Override
        public void close() {}
    }
}
