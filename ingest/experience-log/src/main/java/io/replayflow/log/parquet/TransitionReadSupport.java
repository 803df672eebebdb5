package io.replayflow.log.parquet;

import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.avro.UInt8Tensor;
import io.replayflow.schemas.env.FrameStacking;
import io.replayflow.schemas.frames.FrameCodec;
import io.replayflow.schemas.frames.FrameColumns;
import io.replayflow.schemas.frames.FrameDecoder;
import io.replayflow.schemas.frames.FrameLayout;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import org.apache.avro.specific.SpecificData;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroReadSupport;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.api.InitContext;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/**
 * Materializes log rows as {@link Transition}s: parquet-avro's specific reader assembles the
 * Transition columns (any Transition version, two- or three-level lists), and in a file that stores
 * frames once ({@link FrameColumns}) this class reads the frame columns beside it and rebuilds each
 * image row's {@code obs_image} and {@code next_obs_image} with one {@link FrameDecoder} per env,
 * their shape from the footer. Rows must be read from the file's start, all of them, in order (no
 * record filter). One per file read.
 */
final class TransitionReadSupport extends ReadSupport<Transition> {

    private static final Set<String> FRAME_COLUMNS =
            Set.of(FrameColumns.FRAMES, FrameColumns.OBS_FRAMES, FrameColumns.NEXT_OBS_FRAMES);

    private final AvroReadSupport<Transition> avro =
            new AvroReadSupport<>(SpecificData.getForClass(Transition.class));

    @Override
    public ReadContext init(InitContext context) {
        // All columns; parquet-avro's metadata carries the read schema (the current Transition).
        return new ReadContext(
                context.getFileSchema(), avro.init(context).getReadSupportMetadata());
    }

    @Override
    @Deprecated // still abstract in parquet 1.15; the ParquetConfiguration overload is used
    public RecordMaterializer<Transition> prepareForRead(
            Configuration conf,
            Map<String, String> footer,
            MessageType fileSchema,
            ReadContext context) {
        return prepare(
                footer,
                fileSchema,
                context,
                (rows, c) -> avro.prepareForRead(conf, footer, rows, c));
    }

    @Override
    public RecordMaterializer<Transition> prepareForRead(
            ParquetConfiguration conf,
            Map<String, String> footer,
            MessageType fileSchema,
            ReadContext context) {
        return prepare(
                footer,
                fileSchema,
                context,
                (rows, c) -> avro.prepareForRead(conf, footer, rows, c));
    }

    private static RecordMaterializer<Transition> prepare(
            Map<String, String> footer,
            MessageType fileSchema,
            ReadContext context,
            BiFunction<MessageType, ReadContext, RecordMaterializer<Transition>> avro) {
        MessageType requested = context.getRequestedSchema();
        if (!requested.containsField(FrameColumns.NEXT_OBS_FRAMES)) {
            return avro.apply(fileSchema, context);
        }
        FrameCodec codec = FrameCodec.ofFooter(footer.get(FrameColumns.KEY), "a log file");
        List<Type> rowFields = new ArrayList<>();
        for (Type field : requested.getFields()) {
            if (!FRAME_COLUMNS.contains(field.getName())) {
                rowFields.add(field);
            }
        }
        MessageType rows = new MessageType(requested.getName(), rowFields);
        RecordMaterializer<Transition> transitions =
                avro.apply(rows, new ReadContext(rows, context.getReadSupportMetadata()));
        return new FramesMaterializer(transitions, requested, footer, codec);
    }

    /** Wraps parquet-avro's materializer: its converters for the row columns, ours for frames. */
    private static final class FramesMaterializer extends RecordMaterializer<Transition> {

        private static final byte[] NO_BYTES = new byte[0];

        private final RecordMaterializer<Transition> transitions;
        private final Map<String, String> footer;
        private final int window;
        private final FrameCodec codec;
        private final Map<String, EnvDecoder> decoders = new HashMap<>();
        private final Root root;

        // The current row's frame columns.
        private Binary frames;
        private final RefList obsRefs = new RefList();
        private final RefList nextRefs = new RefList();

        private record EnvDecoder(FrameDecoder decoder, int bytes, List<Integer> shape) {}

        FramesMaterializer(
                RecordMaterializer<Transition> transitions,
                MessageType requested,
                Map<String, String> footer,
                FrameCodec codec) {
            this.transitions = transitions;
            this.codec = codec;
            this.footer = footer;
            this.window = Integer.parseInt(footer.get(FrameColumns.WINDOW_KEY));
            this.root = new Root(requested);
        }

        @Override
        public Transition getCurrentRecord() {
            Transition t = transitions.getCurrentRecord();
            if (nextRefs.count < 0) {
                return t; // a vector row, or an image row kept whole
            }
            EnvDecoder env = decoder(t.getEnvId().toString());
            byte[] obs = new byte[env.bytes()];
            byte[] next = new byte[env.bytes()];
            byte[] newFrames = NO_BYTES;
            int offset = 0;
            int length = 0;
            if (frames != null) {
                ByteBuffer bytes = frames.toByteBuffer();
                length = bytes.remaining();
                if (bytes.hasArray()) {
                    newFrames = bytes.array();
                    offset = bytes.arrayOffset() + bytes.position();
                } else {
                    newFrames = new byte[length];
                    bytes.get(newFrames);
                }
            }
            env.decoder()
                    .decode(
                            t.getEpisodeId().toString(),
                            t.getAction(),
                            newFrames,
                            offset,
                            length,
                            obsRefs.refs,
                            Math.max(0, obsRefs.count),
                            nextRefs.refs,
                            nextRefs.count,
                            null,
                            -1,
                            obs,
                            0,
                            next,
                            0,
                            null,
                            0);
            t.setObsImage(new UInt8Tensor(ByteBuffer.wrap(obs), env.shape()));
            t.setNextObsImage(new UInt8Tensor(ByteBuffer.wrap(next), env.shape()));
            return t;
        }

        private EnvDecoder decoder(String env) {
            EnvDecoder d = decoders.get(env);
            if (d == null) {
                String layout = footer.get(FrameColumns.LAYOUT_KEY_PREFIX + env);
                String shape = footer.get(FrameColumns.SHAPE_KEY_PREFIX + env);
                if (layout == null || shape == null) {
                    throw new IllegalStateException(
                            "a log file has image rows of "
                                    + env
                                    + " stored as frames but no frame layout or shape for it in"
                                    + " its footer ("
                                    + FrameColumns.LAYOUT_KEY_PREFIX
                                    + env
                                    + "): was it written completely by ReplayFlow's ingest?");
                }
                FrameLayout l = FrameColumns.parseLayout(layout);
                d =
                        new EnvDecoder(
                                new FrameDecoder(l, window, codec),
                                l.observationBytes(),
                                FrameColumns.parseShape(shape));
                decoders.put(env, d);
            }
            return d;
        }

        @Override
        public GroupConverter getRootConverter() {
            return root;
        }

        /** The requested columns in order: parquet-avro's converters, then the frame columns'. */
        private final class Root extends GroupConverter {
            private final GroupConverter rows = transitions.getRootConverter();
            private final Converter[] converters;

            Root(MessageType requested) {
                converters = new Converter[requested.getFieldCount()];
                int rowIndex = 0;
                for (int i = 0; i < converters.length; i++) {
                    converters[i] =
                            switch (requested.getType(i).getName()) {
                                case FrameColumns.FRAMES ->
                                        new PrimitiveConverter() {
                                            @Override
                                            public void addBinary(Binary value) {
                                                frames = value;
                                            }
                                        };
                                case FrameColumns.OBS_FRAMES -> obsRefs;
                                case FrameColumns.NEXT_OBS_FRAMES -> nextRefs;
                                default -> rows.getConverter(rowIndex++);
                            };
                }
            }

            @Override
            public Converter getConverter(int fieldIndex) {
                return converters[fieldIndex];
            }

            @Override
            public void start() {
                frames = null;
                obsRefs.count = -1;
                nextRefs.count = -1;
                rows.start();
            }

            @Override
            public void end() {
                rows.end();
            }
        }
    }

    /**
     * A three-level {@code LIST<INT32>} of frame references: count -1 while the row has none (a
     * null list).
     */
    private static final class RefList extends GroupConverter {
        // A stack's references, and a file's first obs its marker (FrameCodec.ONCE_V2).
        final int[] refs = new int[FrameStacking.MAX_FRAMES + 1];
        int count = -1;

        private final GroupConverter list =
                new GroupConverter() {
                    private final PrimitiveConverter element =
                            new PrimitiveConverter() {
                                @Override
                                public void addInt(int value) {
                                    if (count >= refs.length) {
                                        throw new IllegalStateException(
                                                "a log row holds more than "
                                                        + refs.length
                                                        + " frame references per observation:"
                                                        + " was it written by ReplayFlow's"
                                                        + " ingest?");
                                    }
                                    refs[count++] = value;
                                }
                            };

                    @Override
                    public Converter getConverter(int fieldIndex) {
                        return element;
                    }

                    @Override
                    public void start() {}

                    @Override
                    public void end() {}
                };

        @Override
        public Converter getConverter(int fieldIndex) {
            return list;
        }

        @Override
        public void start() {
            count = 0;
        }

        @Override
        public void end() {}
    }
}
