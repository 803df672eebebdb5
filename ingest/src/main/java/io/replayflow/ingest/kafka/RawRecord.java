package io.replayflow.ingest.kafka;

import java.util.Arrays;
import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * One record of the transitions topic exactly as it arrived: where it came from and its bytes, not
 * yet decoded. The ingest pipeline starts from a stream of these, so a test can feed its own.
 *
 * <p>A Flink POJO (public fields, no-argument constructor) with explicit {@link #TYPE} information,
 * so Flink serializes it without Kryo.
 */
public class RawRecord {

    /** Flink type information for streams of raw records. */
    public static final TypeInformation<RawRecord> TYPE = Types.POJO(RawRecord.class);

    public String topic;
    public int partition;
    public long offset;

    /** The Kafka record timestamp, epoch milliseconds. */
    public long timestamp;

    /** The record key; null when the producer sent none. */
    public byte[] key;

    /** The record value; null for a tombstone. */
    public byte[] value;

    public RawRecord() {}

    public RawRecord(
            String topic, int partition, long offset, long timestamp, byte[] key, byte[] value) {
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.timestamp = timestamp;
        this.key = key;
        this.value = value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RawRecord r
                && partition == r.partition
                && offset == r.offset
                && timestamp == r.timestamp
                && Objects.equals(topic, r.topic)
                && Arrays.equals(key, r.key)
                && Arrays.equals(value, r.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, partition, offset);
    }

    @Override
    public String toString() {
        return topic
                + "-"
                + partition
                + "@"
                + offset
                + " ("
                + (value == null ? "null" : value.length + " bytes")
                + ")";
    }
}
