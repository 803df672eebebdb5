package io.replayflow.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replayflow.trainer.metrics.EventFileReader;
import io.replayflow.trainer.metrics.EventFileWriter;
import io.replayflow.trainer.metrics.TfRecord;
import io.replayflow.trainer.metrics.TrainerMetrics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.Event;

/**
 * TensorBoard event files as TensorFlow's summary ops write them: TFRecord framing with masked
 * CRC-32C around Event protos, read back by the test-side reader.
 */
@Timeout(10)
class EventFileTest {

    @TempDir Path dir;

    @Test
    void crc32cMatchesTheStandardCheckValue() {
        // CRC-32C("123456789") = 0xE3069283 (RFC 3720, B.4); masked = rotr15 + 0xa282ead8
        byte[] check = "123456789".getBytes(StandardCharsets.US_ASCII);
        int crc = 0xE3069283;
        int masked = ((crc >>> 15) | (crc << 17)) + 0xa282ead8;
        assertThat(TfRecord.maskedCrc32c(check, 0, check.length)).isEqualTo(masked);
    }

    @Test
    void scalarsReadBackWithVersionRecordFirst() throws Exception {
        Path file;
        long before = System.currentTimeMillis() / 1000;
        try (EventFileWriter writer = new EventFileWriter(dir)) {
            Map<String, Double> values = new LinkedHashMap<>();
            values.put(TrainerMetrics.LOSS_TD, 0.5);
            values.put(TrainerMetrics.Q_MEAN, 12.25);
            writer.scalars(values, 100);
            writer.scalar(TrainerMetrics.LOSS_TD, 0.25, 200);
            file = writer.file();
        }
        assertThat(file.getFileName().toString()).startsWith("events.out.tfevents.");
        long after = System.currentTimeMillis() / 1000;

        List<Event> events = EventFileReader.events(file);
        assertThat(events.get(0).getFileVersion()).isEqualTo("brain.Event:2");
        assertThat(events.get(0).getWallTime()).isBetween(before - 1.0, after + 1.0);
        List<EventFileReader.Scalar> scalars = EventFileReader.scalars(file);
        assertThat(scalars) // TensorFlow writes the scalars of one step in any order
                .extracting(
                        EventFileReader.Scalar::tag,
                        EventFileReader.Scalar::step,
                        EventFileReader.Scalar::value)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("trainer/loss_td", 100L, 0.5f),
                        org.assertj.core.groups.Tuple.tuple("trainer/q_mean", 100L, 12.25f),
                        org.assertj.core.groups.Tuple.tuple("trainer/loss_td", 200L, 0.25f));
        assertThat(scalars).extracting(EventFileReader.Scalar::step).isSorted();
    }

    @Test
    void aFlippedByteFailsTheCrc() throws Exception {
        Path file;
        try (EventFileWriter writer = new EventFileWriter(dir)) {
            writer.scalar("trainer/loss_td", 1.0, 1);
            file = writer.file();
        }
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 6] ^= 0x01; // inside the last record's data
        Files.write(file, bytes);
        assertThatThrownBy(() -> EventFileReader.events(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("CRC mismatch");
    }
}
