package io.replayflow.replay.read;

/**
 * What one {@link ReplayDataset#refresh()} changed.
 *
 * @param filesAdded committed files loaded for the first time
 * @param rowsAdded rows those files contributed (after filters)
 * @param filesRemoved loaded files that disappeared (expired partitions)
 * @param rowsRemoved rows dropped with them
 * @param rowsPending rows loaded but held back by the samples-per-insert limiter
 * @param liveRows rows the sampler can draw after the refresh
 */
public record RefreshResult(
        int filesAdded,
        long rowsAdded,
        int filesRemoved,
        long rowsRemoved,
        long rowsPending,
        int liveRows) {}
