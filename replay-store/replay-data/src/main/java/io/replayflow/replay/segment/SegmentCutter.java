package io.replayflow.replay.segment;

import io.replayflow.replay.episode.EpisodeKeys;
import io.replayflow.replay.row.ReplayRow;
import java.util.List;

/**
 * Cuts one episode's rows into trajectory segments of at most {@code length} (T) consecutive steps,
 * in step order, by filling each row's {@code segmentId}, {@code segmentStep} and {@code
 * segmentLength}. The pure part of the replay job's segment dataset ({@code
 * replay.dataset.kind=segments}); the job calls it on the rows it flushes together.
 *
 * <p>Rules: the rows split into runs of consecutive steps, and a segment never crosses a gap, so it
 * never spans two episodes (the rows handed in are one episode's). Each run is cut from its first
 * step into pieces of T; the last piece of a run is shorter when the run is not a multiple of T
 * (the episode terminated or was truncated there, or the job flushed it open). A segment's end is
 * read from its last row: {@code terminated} (bootstrap value 0), {@code truncated}, or neither
 * (the episode continues, or was flushed open: bootstrap from that row's {@code next_obs}).
 *
 * <p>The segment id is the episode key ({@link EpisodeKeys#of}), U+001F, then the segment's first
 * step, so a replayed flush cuts the same segments with the same ids. Cost: O(rows).
 */
public final class SegmentCutter {

    private static final char SEPARATOR = '\u001f';

    private SegmentCutter() {}

    /**
     * Fills the segment fields of {@code rows} in place.
     *
     * @param rows one episode's rows, sorted by step, without duplicate steps
     * @param length T, the most steps of a segment (>= 1)
     * @return the number of segments cut
     */
    public static int cut(List<ReplayRow> rows, int length) {
        checkLength(length);
        int segments = 0;
        int start = 0;
        while (start < rows.size()) {
            int end = start + 1;
            while (end < rows.size()
                    && end - start < length
                    && rows.get(end).step == rows.get(end - 1).step + 1) {
                end++;
            }
            ReplayRow first = rows.get(start);
            String id = EpisodeKeys.of(first.actorId, first.episodeId) + SEPARATOR + first.step;
            for (int i = start; i < end; i++) {
                ReplayRow row = rows.get(i);
                row.segmentId = id;
                row.segmentStep = i - start;
                row.segmentLength = end - start;
            }
            segments++;
            start = end;
        }
        return segments;
    }

    /** The episode key of a segment id written by {@link #cut}; the whole id if it has none. */
    public static String episodeKey(String segmentId) {
        int sep = segmentId.lastIndexOf(SEPARATOR);
        return sep < 0 ? segmentId : segmentId.substring(0, sep);
    }

    /**
     * The episode step of a segment's first step, read from an id written by {@link #cut}; {@link
     * SegmentBatch#UNKNOWN_STEP} if the id does not end in one.
     */
    public static long firstStep(String segmentId) {
        int sep = segmentId.lastIndexOf(SEPARATOR);
        if (sep < 0) {
            return SegmentBatch.UNKNOWN_STEP;
        }
        try {
            return Long.parseLong(segmentId.substring(sep + 1));
        } catch (NumberFormatException e) {
            return SegmentBatch.UNKNOWN_STEP;
        }
    }

    /**
     * @throws IllegalArgumentException when {@code length} < 1
     */
    public static void checkLength(int length) {
        if (length < 1) {
            throw new IllegalArgumentException(
                    "segment length is " + length + "; it must be >= 1 (20 is usual)");
        }
    }
}
