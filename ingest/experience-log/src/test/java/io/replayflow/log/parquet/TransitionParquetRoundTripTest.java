package io.replayflow.log.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.schemas.avro.Transition;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Writes through {@link StreamOutputFile}, reads back through {@link FlinkInputFile}. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TransitionParquetRoundTripTest {

    @TempDir Path dir;

    @Test
    void transitionsWrittenToABorrowedStreamReadBackThroughFlinksFileSystem() throws Exception {
        Path file = dir.resolve("part-0.parquet");
        List<Transition> written = List.of(transition(0), transition(1), transition(2));
        try (OutputStream out = Files.newOutputStream(file)) {
            try (ParquetWriter<Transition> writer =
                    TransitionParquet.writer(
                            new StreamOutputFile(out), LogCompression.ZSTD, 1 << 20)) {
                for (Transition t : written) {
                    writer.write(t);
                }
            }
        }

        org.apache.flink.core.fs.Path path = new org.apache.flink.core.fs.Path(file.toUri());
        FlinkInputFile input = FlinkInputFile.of(path);
        assertThat(input.getLength()).isEqualTo(Files.size(file));
        try (ParquetFileReader reader = ParquetFileReader.open(input)) {
            assertThat(reader.getRowGroups().get(0).getColumns().get(0).getCodec())
                    .isEqualTo(CompressionCodecName.ZSTD);
        }
        List<Transition> read = new ArrayList<>();
        try (TransitionReader reader = TransitionParquet.reader(FlinkInputFile.of(path))) {
            for (Transition t = reader.read(); t != null; t = reader.read()) {
                read.add(t);
            }
        }
        assertThat(read).isEqualTo(written);
    }

    private static Transition transition(long step) {
        return Transition.newBuilder()
                .setEnvId("ALE/Pong-v5")
                .setActorId("a")
                .setEpisodeId("e")
                .setStep(step)
                .setEventTimeMs(1_795_244_400_000L + step)
                .setObs(List.of(0.5f * step, -1f))
                .setAction((int) (step % 2))
                .setReward(1f)
                .setNextObs(List.of(0.5f * (step + 1), -1f))
                .setTerminated(step == 2)
                .setTruncated(false)
                .setBehaviorProb(0.5f)
                .setPolicyVersion(3)
                .build();
    }
}
