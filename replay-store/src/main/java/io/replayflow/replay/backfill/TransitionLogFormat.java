package io.replayflow.replay.backfill;

import io.replayflow.log.parquet.StreamInputFile;
import io.replayflow.log.parquet.TransitionParquet;
import io.replayflow.log.parquet.TransitionReader;
import io.replayflow.schemas.avro.Transition;
import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;

/**
 * Experience-log files as a Flink {@link StreamFormat} of {@link Transition}s, read by the log's
 * one reader ({@link TransitionParquet#reader}), so image rows whose frames are stored once come
 * out whole. Read whole ({@link WholeLogFileFormat}).
 */
final class TransitionLogFormat extends WholeLogFileFormat<Transition> {

    private static final long serialVersionUID = 1L;

    @Override
    Reader<Transition> open(StreamInputFile input, String name) throws IOException {
        TransitionReader reader = TransitionParquet.reader(input);
        return reader(reader::read, reader);
    }

    @Override
    public TypeInformation<Transition> getProducedType() {
        return new AvroTypeInfo<>(Transition.class);
    }
}
