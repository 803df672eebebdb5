package io.replayflow.log.parquet;

import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.avro.UInt8Tensor;
import io.replayflow.schemas.frames.EncodedFrames;
import io.replayflow.schemas.frames.FrameCodec;
import io.replayflow.schemas.frames.FrameColumns;
import io.replayflow.schemas.frames.FrameEncoder;
import io.replayflow.schemas.frames.FrameLayout;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
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
 *
 * <p><b>Frames stored once</b> ({@link #FRAMES_SCHEMA}, the default): {@link #SCHEMA}'s columns,
 * then {@link FrameColumns}' {@code frames}, {@code obs_frames} and {@code next_obs_frames}. An
 * image row's images go there through one {@link FrameEncoder} per env id in the file (its {@link
 * FrameLayout} from the env id and the image shape, {@link FrameLayout#ofImage}), and its {@code
 * obs_image} and {@code next_obs_image} stay null; the footer holds the {@link FrameColumns} keys,
 * each env's layout and shape. The scalar columns are written exactly as without. An image row the
 * env's encoder cannot take (a shape other than the file's first for its env, bytes that do not fit
 * the shape: ingest lets neither through) keeps its whole images. Vector rows are written as before
 * with their frame columns null (no allocation, but the three null columns cost the writer about 7%
 * CPU, so ingest writes a file that starts with a vector row without them: {@link
 * TransitionParquet#framesOnceFor}).
 */
final class TransitionWriteSupport extends WriteSupport<Transition> {

    /** The Parquet schema parquet-avro derives from Transition, with standard lists. */
    static final MessageType SCHEMA = parquetSchema(Transition.getClassSchema());

    /** The Avro schema of a frames-once file's stored rows ({@link #framesAvroSchema}). */
    static final Schema FRAMES_AVRO_SCHEMA = framesAvroSchema();

    /**
     * {@link #SCHEMA}'s columns, then the frame columns: the schema of files that store frames
     * once.
     */
    static final MessageType FRAMES_SCHEMA = parquetSchema(FRAMES_AVRO_SCHEMA);

    private final boolean framesOnce;
    private final FrameCodec codec;

    /** Per env id: its encoder and the image shape its rows have. */
    private final Map<String, EnvFrames> encoders = new LinkedHashMap<>();

    private record EnvFrames(FrameEncoder encoder, List<Integer> shape) {}

    private static final String LIST = "list";
    private static final String ELEMENT = "element";

    private RecordConsumer out;

    /** The last value and its bytes per string column (indices 0..2), see {@link #string}. */
    private final String[] lastString = new String[3];

    private final Binary[] lastBinary = new Binary[3];

    /**
     * @param framesOnce store image rows' frames once ({@link #FRAMES_SCHEMA}); false writes whole
     *     images ({@link #SCHEMA}), as files written before frames were stored once
     */
    TransitionWriteSupport(boolean framesOnce) {
        this(framesOnce, FrameCodec.LATEST);
    }

    /**
     * @param codec the version of frames stored once to write: {@link FrameCodec#LATEST}, or an
     *     older one for tests that such files still read
     */
    TransitionWriteSupport(boolean framesOnce, FrameCodec codec) {
        this.framesOnce = framesOnce;
        this.codec = codec;
    }

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
        UInt8Tensor obsImage = t.getObsImage();
        if (!framesOnce || obsImage == null || !frames(t, obsImage, t.getNextObsImage())) {
            image(13, "obs_image", obsImage);
            image(14, "next_obs_image", t.getNextObsImage());
        }
        out.endMessage();
    }

    /**
     * Writes an image row's frame columns (15 to 17) if its env's encoder takes it; returns false,
     * writing nothing, when the row must keep its whole images.
     */
    private boolean frames(Transition t, UInt8Tensor obsImage, UInt8Tensor nextImage) {
        if (nextImage == null || !obsImage.getShape().equals(nextImage.getShape())) {
            return false;
        }
        String env = t.getEnvId().toString();
        EnvFrames envFrames = encoders.get(env);
        if (envFrames == null) {
            List<Integer> shape = List.copyOf(obsImage.getShape());
            FrameLayout layout;
            try {
                layout = FrameLayout.ofImage(env, shape);
            } catch (IllegalArgumentException | ArithmeticException notAnImageShape) {
                return false; // ingest refuses such shapes; kept whole, never a failed write
            }
            envFrames =
                    new EnvFrames(
                            new FrameEncoder(layout, FrameEncoder.DEFAULT_WINDOW, codec), shape);
            encoders.put(env, envFrames);
        }
        int bytes = envFrames.encoder().layout().observationBytes();
        if (!envFrames.shape().equals(obsImage.getShape())
                || obsImage.getData().remaining() != bytes
                || nextImage.getData().remaining() != bytes) {
            return false;
        }
        EncodedFrames e =
                envFrames
                        .encoder()
                        .encode(
                                t.getEpisodeId().toString(),
                                t.getAction(),
                                bytes(obsImage.getData()),
                                bytes(nextImage.getData()),
                                null);
        if (e.newFrames().length > 0) {
            out.startField(FrameColumns.FRAMES, 15);
            out.addBinary(Binary.fromConstantByteArray(e.newFrames()));
            out.endField(FrameColumns.FRAMES, 15);
        }
        ints(16, FrameColumns.OBS_FRAMES, e.obsRefs());
        ints(17, FrameColumns.NEXT_OBS_FRAMES, e.nextObsRefs());
        return true;
    }

    /** The bytes of {@code data}: its array when it is exactly that, else a copy. */
    private static byte[] bytes(ByteBuffer data) {
        if (data.hasArray()
                && data.arrayOffset() == 0
                && data.position() == 0
                && data.remaining() == data.array().length) {
            return data.array();
        }
        byte[] copy = new byte[data.remaining()];
        data.duplicate().get(copy);
        return copy;
    }

    private void ints(int index, String name, int[] values) {
        out.startField(name, index);
        out.startGroup();
        if (values.length > 0) {
            out.startField(LIST, 0);
            for (int v : values) {
                out.startGroup();
                out.startField(ELEMENT, 0);
                out.addInteger(v);
                out.endField(ELEMENT, 0);
                out.endGroup();
            }
            out.endField(LIST, 0);
        }
        out.endGroup();
        out.endField(name, index);
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

    private WriteContext context() {
        if (!framesOnce) {
            return new WriteContext(
                    SCHEMA,
                    Map.of(
                            "parquet.avro.schema",
                            Transition.getClassSchema().toString(),
                            "writer.model.name",
                            "avro"));
        }
        return new WriteContext(
                FRAMES_SCHEMA,
                Map.of(
                        "parquet.avro.schema",
                        FRAMES_AVRO_SCHEMA.toString(),
                        "writer.model.name",
                        "avro",
                        FrameColumns.KEY,
                        codec.footerValue(),
                        FrameColumns.WINDOW_KEY,
                        Integer.toString(FrameEncoder.DEFAULT_WINDOW)));
    }

    @Override
    public FinalizedWriteContext finalizeWrite() {
        Map<String, String> footer = new HashMap<>();
        encoders.forEach(
                (env, f) -> {
                    footer.put(
                            FrameColumns.LAYOUT_KEY_PREFIX + env,
                            FrameColumns.formatLayout(f.encoder().layout()));
                    footer.put(
                            FrameColumns.SHAPE_KEY_PREFIX + env,
                            FrameColumns.formatShape(f.shape()));
                });
        return new FinalizedWriteContext(footer);
    }

    /**
     * The Avro schema of a frames-once file's rows as stored: Transition's fields, then the frame
     * columns as nullable fields. Generic parquet-avro readers read such files (images null, frame
     * columns beside); {@link TransitionReader} rebuilds Transitions.
     */
    private static Schema framesAvroSchema() {
        Schema transition = Transition.getClassSchema();
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : transition.getFields()) {
            fields.add(new Schema.Field(f.name(), f.schema(), f.doc(), f.defaultVal()));
        }
        Schema refs = Schema.createArray(Schema.create(Schema.Type.INT));
        fields.add(nullable(FrameColumns.FRAMES, Schema.create(Schema.Type.BYTES), "new frames"));
        fields.add(nullable(FrameColumns.OBS_FRAMES, refs, "obs's frame references"));
        fields.add(nullable(FrameColumns.NEXT_OBS_FRAMES, refs, "next_obs's frame references"));
        return Schema.createRecord(
                "TransitionFramesOnce",
                "A Transition as an experience-log file that stores frames once holds it.",
                "io.replayflow.log",
                false,
                fields);
    }

    private static Schema.Field nullable(String name, Schema schema, String doc) {
        return new Schema.Field(
                name,
                Schema.createUnion(Schema.create(Schema.Type.NULL), schema),
                doc,
                Schema.Field.NULL_DEFAULT_VALUE);
    }

    private static MessageType parquetSchema(Schema schema) {
        PlainParquetConfiguration conf = new PlainParquetConfiguration();
        conf.set(AvroWriteSupport.WRITE_OLD_LIST_STRUCTURE, "false");
        return new AvroSchemaConverter(conf).convert(schema);
    }
}
