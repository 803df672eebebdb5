package io.replayflow.log.parquet;

import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.avro.UInt8Tensor;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.avro.AvroWriteSupport;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;

/**
 * Writes {@link Transition}s to Parquet through the generated getters, with exactly the file schema
 * and footer that parquet-avro writes (so Avro readers and ingest's {@code ParquetCompactor} see
 * the same files), at a fraction of its cost: parquet-avro's generic writer looks up every field by
 * schema and re-inspects schema properties per value, which made it a quarter of the job's CPU.
 *
 * <p>Float vectors use the standard three-level list: {@code obs (LIST) { repeated group list {
 * required float element } }}. An empty list is written as a present, empty list.
 *
 * <p>Field positions follow the Transition schema; {@link #SCHEMA} is derived from it, and a test
 * reads every field back through parquet-avro.
 */
final class TransitionWriteSupport extends WriteSupport<Transition> {

    /** The Parquet schema parquet-avro derives from Transition, with standard lists. */
    static final MessageType SCHEMA = parquetSchema();

    private static final String LIST = "list";
    private static final String ELEMENT = "element";

    private RecordConsumer out;

    /** The last value and its bytes per string column (indices 0..2), see {@link #string}. */
    private final String[] lastString = new String[3];

    private final Binary[] lastBinary = new Binary[3];

    @Override
    @Deprecated // still abstract in parquet 1.15
    public WriteContext init(Configuration configuration) {
        return context();
    }

    @Override
    public WriteContext init(ParquetConfiguration configuration) {
        return context();
    }

    @Override
    public String getName() {
        return "avro";
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
        this.out = recordConsumer;
    }

    @Override
    public void write(Transition t) {
        out.startMessage();
        string(0, "env_id", t.getEnvId());
        string(1, "actor_id", t.getActorId());
        string(2, "episode_id", t.getEpisodeId());
        int64(3, "step", t.getStep());
        int64(4, "event_time_ms", t.getEventTimeMs());
        floats(5, "obs", t.getObs());
        out.startField("action", 6);
        out.addInteger(t.getAction());
        out.endField("action", 6);
        float32(7, "reward", t.getReward());
        floats(8, "next_obs", t.getNextObs());
        bool(9, "terminated", t.getTerminated());
        bool(10, "truncated", t.getTruncated());
        float32(11, "behavior_prob", t.getBehaviorProb());
        int64(12, "policy_version", t.getPolicyVersion());
        image(13, "obs_image", t.getObsImage());
        image(14, "next_obs_image", t.getNextObsImage());
        out.endMessage();
    }

    /**
     * Writes a string column, reusing the previous row's UTF-8 bytes when the value repeats: the
     * ids and env change only between episodes, and encoding them afresh per row was an eighth of
     * the ingest job's hottest thread. Binaries from {@link Binary#fromString} are immutable, so
     * the column writer may keep a reference.
     */
    private void string(int index, String name, String value) {
        Binary bytes;
        if (value.equals(lastString[index])) {
            bytes = lastBinary[index];
        } else {
            bytes = Binary.fromString(value);
            lastString[index] = value;
            lastBinary[index] = bytes;
        }
        out.startField(name, index);
        out.addBinary(bytes);
        out.endField(name, index);
    }

    private void int64(int index, String name, long value) {
        out.startField(name, index);
        out.addLong(value);
        out.endField(name, index);
    }

    private void float32(int index, String name, float value) {
        out.startField(name, index);
        out.addFloat(value);
        out.endField(name, index);
    }

    private void bool(int index, String name, boolean value) {
        out.startField(name, index);
        out.addBoolean(value);
        out.endField(name, index);
    }

    private void floats(int index, String name, List<Float> values) {
        out.startField(name, index);
        out.startGroup();
        if (!values.isEmpty()) {
            out.startField(LIST, 0);
            for (int i = 0; i < values.size(); i++) {
                out.startGroup();
                out.startField(ELEMENT, 0);
                out.addFloat(values.get(i));
                out.endField(ELEMENT, 0);
                out.endGroup();
            }
            out.endField(LIST, 0);
        }
        out.endGroup();
        out.endField(name, index);
    }

    private void ints(int index, String name, List<Integer> values) {
        out.startField(name, index);
        out.startGroup();
        if (!values.isEmpty()) {
            out.startField(LIST, 0);
            for (int i = 0; i < values.size(); i++) {
                out.startGroup();
                out.startField(ELEMENT, 0);
                out.addInteger(values.get(i));
                out.endField(ELEMENT, 0);
                out.endGroup();
            }
            out.endField(LIST, 0);
        }
        out.endGroup();
        out.endField(name, index);
    }

    private void image(int index, String name, UInt8Tensor image) {
        if (image == null) {
            return; // optional group: absent
        }
        out.startField(name, index);
        out.startGroup();
        out.startField("data", 0);
        out.addBinary(Binary.fromConstantByteBuffer(image.getData().duplicate()));
        out.endField("data", 0);
        ints(1, "shape", image.getShape());
        out.endGroup();
        out.endField(name, index);
    }

    private static WriteContext context() {
        return new WriteContext(
                SCHEMA,
                Map.of(
                        "parquet.avro.schema",
                        Transition.getClassSchema().toString(),
                        "writer.model.name",
                        "avro"));
    }

    private static MessageType parquetSchema() {
        PlainParquetConfiguration conf = new PlainParquetConfiguration();
        conf.set(AvroWriteSupport.WRITE_OLD_LIST_STRUCTURE, "false");
        return new AvroSchemaConverter(conf).convert(Transition.getClassSchema());
    }
}
