package io.replayflow.replay.job.episode;

import io.replayflow.replay.job.internal.EpisodeHashKey;
import io.replayflow.replay.job.internal.EpisodeRunCheck;
import io.replayflow.replay.row.ReplayRow;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.util.Collector;

/**
 * The {@link EpisodeEnrichmentFunction} behind a backfill's 64-bit {@link EpisodeHashKey}: the same
 * enrichment, after an {@link EpisodeRunCheck} that fails the job rather than let two episodes
 * whose hashes tie share a buffer. Only for BATCH mode, where each key's rows arrive together.
 */
public final class HashKeyedEpisodeEnrichment extends EpisodeEnrichmentFunction {

    private final EpisodeHashKey key;
    private transient EpisodeRunCheck runs;

    public HashKeyedEpisodeEnrichment(
            EpisodeHashKey key,
            int n,
            double gamma,
            long idleTimeoutMs,
            long allowedLatenessMs,
            int segmentLength) {
        super(n, gamma, idleTimeoutMs, allowedLatenessMs, segmentLength);
        this.key = key;
    }

    @Override
    public void open(OpenContext openContext) {
        super.open(openContext);
        runs = new EpisodeRunCheck(key);
    }

    @Override
    public void processElement(ReplayRow row, Context ctx, Collector<ReplayRow> out)
            throws Exception {
        runs.check(row);
        super.processElement(row, ctx, out);
    }
}
