package io.replayflow.replay.window;

/** Rows the job wrote to one partition, as the window counts them. A Flink POJO. */
public class PartitionStat {

    public String envId;
    public long hourStartMs;
    public long rows;

    public PartitionStat() {}

    public PartitionStat(String envId, long hourStartMs, long rows) {
        this.envId = envId;
        this.hourStartMs = hourStartMs;
        this.rows = rows;
    }
}
