package io.replayflow.ingest.stats;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * Running sums of one window's episodes: count, return sum / sum of squares / min / max, length
 * sum, terminated count. A Flink POJO.
 */
public class StatsAccumulator {

    public static final TypeInformation<StatsAccumulator> TYPE = Types.POJO(StatsAccumulator.class);

    public long episodes;
    public double returnSum;
    public double returnSquareSum;
    public double returnMin = Double.POSITIVE_INFINITY;
    public double returnMax = Double.NEGATIVE_INFINITY;
    public long lengthSum;
    public long terminated;

    public StatsAccumulator() {}
}
