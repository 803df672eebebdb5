package io.replayflow.replay.priority;

import static org.apache.parquet.schema.LogicalTypeAnnotation.stringType;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.BINARY;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.DOUBLE;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.FLOAT;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT64;

import io.replayflow.log.parquet.FileSystems;
import io.replayflow.log.parquet.FlinkInputFile;
import io.replayflow.log.parquet.FlinkOutputFile;
import io.replayflow.log.parquet.ParquetConf;
import io.replayflow.replay.parquet.ColumnCursor;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Types;

/**
 * The compacted priority file of one partition: every transition of the partition that has a
 * trainer update, with its winning (last-writer-wins) priority. Lives at
 *
 * <pre>
 *   &lt;dataset&gt;/_priorities/env_id=…/date=…/hour=…/priorities-&lt;version&gt;-&lt;writer&gt;.parquet
 * </pre>
 *
 * where {@code version} is the write time in epoch milliseconds, zero-padded so that names sort by
 * it. A file is written under a hidden name and renamed when complete, so readers never see a
 * partial one; the newest complete file is the partition's state and older ones are deleted after
 * it lands. Columns: {@code actor_id}, {@code episode_id} (STRING), {@code step}, {@code
 * policy_version}, {@code trainer_step} (INT64), {@code priority} (DOUBLE), {@code td_error}
 * (FLOAT) — plain Parquet, so DuckDB can join it to the dataset on the transition identity.
 */
public final class PriorityFile {

    static final MessageType SCHEMA =
            Types.buildMessage()
                    .required(BINARY)
                    .as(stringType())
                    .named("actor_id")
                    .required(BINARY)
                    .as(stringType())
                    .named("episode_id")
                    .required(INT64)
                    .named("step")
                    .required(DOUBLE)
                    .named("priority")
                    .required(FLOAT)
                    .named("td_error")
                    .required(INT64)
                    .named("policy_version")
                    .required(INT64)
                    .named("trainer_step")
                    .named("priorities");

    private static final Pattern NAME = Pattern.compile("priorities-(\\d{13,19})-(\\d+)\\.parquet");

    private PriorityFile() {}

    /**
     * Writes {@code entries} as the new state of the partition directory {@code dir}, then deletes
     * the files it supersedes. Returns the new file.
     */
    public static Path write(
            Path dir, Collection<PriorityEntry> entries, long versionMs, int writer)
            throws IOException {
        FileSystem fs = FileSystems.of(dir);
        fs.mkdirs(dir);
        String name = String.format("priorities-%013d-%d.parquet", versionMs, writer);
        Path target = new Path(dir, name);
        Path temp = new Path(dir, "." + name + ".inprogress");
        try (FSDataOutputStream out = fs.create(temp, FileSystem.WriteMode.OVERWRITE);
                ParquetWriter<PriorityEntry> parquet = writer(new FlinkOutputFile(out))) {
            for (PriorityEntry entry : entries) {
                parquet.write(entry);
            }
        }
        if (!fs.rename(temp, target)) {
            throw new IOException("cannot rename " + temp + " to " + target);
        }
        for (Path older : olderThan(fs, dir, name)) {
            fs.delete(older, false);
        }
        return target;
    }

    /** The newest complete priority file in {@code dir}, if any. */
    public static Optional<Path> latest(Path dir) throws IOException {
        FileSystem fs = FileSystems.of(dir);
        String best = null;
        for (String name : names(fs, dir)) {
            if (best == null || name.compareTo(best) > 0) {
                best = name;
            }
        }
        return best == null ? Optional.empty() : Optional.of(new Path(dir, best));
    }

    /** Reads every entry of a priority file. */
    public static List<PriorityEntry> read(Path file) throws IOException {
        List<PriorityEntry> entries = new ArrayList<>();
        try (ParquetFileReader reader =
                new ParquetFileReader(FlinkInputFile.of(file), ParquetConf.readOptions())) {
            MessageType schema = reader.getFooter().getFileMetaData().getSchema();
            String createdBy = reader.getFooter().getFileMetaData().getCreatedBy();
            PageReadStore rowGroup;
            while ((rowGroup = reader.readNextRowGroup()) != null) {
                int rows = Math.toIntExact(rowGroup.getRowCount());
                Map<String, ColumnCursor> c = new HashMap<>();
                for (ColumnDescriptor d : schema.getColumns()) {
                    c.put(d.getPath()[0], new ColumnCursor(d, rowGroup, createdBy));
                }
                for (int i = 0; i < rows; i++) {
                    PriorityEntry e = new PriorityEntry();
                    e.actorId = c.get("actor_id").nextBinary().toStringUsingUTF8();
                    e.episodeId = c.get("episode_id").nextBinary().toStringUsingUTF8();
                    e.step = c.get("step").nextLong();
                    e.priority = c.get("priority").nextDouble();
                    e.tdError = c.get("td_error").nextFloat();
                    e.policyVersion = c.get("policy_version").nextLong();
                    e.trainerStep = c.get("trainer_step").nextLong();
                    entries.add(e);
                }
            }
        }
        return entries;
    }

    private static List<Path> olderThan(FileSystem fs, Path dir, String name) throws IOException {
        List<Path> older = new ArrayList<>();
        for (String other : names(fs, dir)) {
            if (other.compareTo(name) < 0) {
                older.add(new Path(dir, other));
            }
        }
        return older;
    }

    private static List<String> names(FileSystem fs, Path dir) throws IOException {
        FileStatus[] statuses;
        try {
            statuses = fs.listStatus(dir);
        } catch (FileNotFoundException e) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        if (statuses != null) {
            for (FileStatus status : statuses) {
                Matcher m = NAME.matcher(status.getPath().getName());
                if (!status.isDir() && m.matches()) {
                    names.add(status.getPath().getName());
                }
            }
        }
        return names;
    }

    private static ParquetWriter<PriorityEntry> writer(OutputFile file) throws IOException {
        return new WriterBuilder(file)
                .withConf(ParquetConf.hadoop())
                .withCompressionCodec(CompressionCodecName.SNAPPY)
                .build();
    }

    private static final class WriterBuilder
            extends ParquetWriter.Builder<PriorityEntry, WriterBuilder> {
        WriterBuilder(OutputFile file) {
            super(file);
        }

        @Override
        protected WriterBuilder self() {
            return this;
        }

        @Override
        protected WriteSupport<PriorityEntry> getWriteSupport(Configuration conf) {
            return new EntryWriteSupport();
        }
    }

    private static final class EntryWriteSupport extends WriteSupport<PriorityEntry> {
        private RecordConsumer out;

        @Override
        public WriteContext init(Configuration configuration) {
            return new WriteContext(SCHEMA, Map.of());
        }

        @Override
        public WriteContext init(ParquetConfiguration configuration) {
            return new WriteContext(SCHEMA, Map.of());
        }

        @Override
        public void prepareForWrite(RecordConsumer recordConsumer) {
            out = recordConsumer;
        }

        @Override
        public void write(PriorityEntry e) {
            out.startMessage();
            out.startField("actor_id", 0);
            out.addBinary(Binary.fromString(e.actorId));
            out.endField("actor_id", 0);
            out.startField("episode_id", 1);
            out.addBinary(Binary.fromString(e.episodeId));
            out.endField("episode_id", 1);
            out.startField("step", 2);
            out.addLong(e.step);
            out.endField("step", 2);
            out.startField("priority", 3);
            out.addDouble(e.priority);
            out.endField("priority", 3);
            out.startField("td_error", 4);
            out.addFloat(e.tdError);
            out.endField("td_error", 4);
            out.startField("policy_version", 5);
            out.addLong(e.policyVersion);
            out.endField("policy_version", 5);
            out.startField("trainer_step", 6);
            out.addLong(e.trainerStep);
            out.endField("trainer_step", 6);
            out.endMessage();
        }
    }
}
