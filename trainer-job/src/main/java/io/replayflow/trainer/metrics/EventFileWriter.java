package io.replayflow.trainer.metrics;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.InstantSource;
import java.util.Map;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.Summary;

/**
 * Writes TensorBoard scalars to {@code <dir>/events.out.tfevents.<seconds>.<host>} (with a {@code
 * .N} suffix when a run of the same second already wrote that name): TFRecord-framed {@code Event}
 * protos (TensorFlow's own classes from {@code tensorflow-core-native}), starting with the {@code
 * brain.Event:2} version record. Point {@code tensorboard --logdir} at {@code dir}.
 *
 * <p>Not thread-safe. Records are buffered; {@link #flush()} (or {@link #close()}) makes them
 * visible.
 */
public final class EventFileWriter implements AutoCloseable {

    private final Path file;
    private final OutputStream out;
    private final InstantSource clock;

    public EventFileWriter(Path dir, InstantSource clock) throws IOException {
        this.clock = clock;
        Files.createDirectories(dir);
        long seconds = clock.millis() / 1000;
        String name = "events.out.tfevents." + seconds + "." + hostName();
        Path candidate = dir.resolve(name);
        for (int i = 1; Files.exists(candidate); i++) {
            candidate = dir.resolve(name + "." + i); // a second run in the same second appends
        }
        this.file = candidate;
        this.out =
                new BufferedOutputStream(
                        Files.newOutputStream(file, StandardOpenOption.CREATE_NEW));
        write(Event.newBuilder().setWallTime(wallTime()).setFileVersion("brain.Event:2").build());
    }

    public Path file() {
        return file;
    }

    /** One scalar at {@code step}. */
    public void scalar(String tag, double value, long step) throws IOException {
        scalars(Map.of(tag, value), step);
    }

    /** Several scalars at {@code step}, in one event. */
    public void scalars(Map<String, Double> values, long step) throws IOException {
        Summary.Builder summary = Summary.newBuilder();
        values.forEach(
                (tag, value) ->
                        summary.addValue(
                                Summary.Value.newBuilder()
                                        .setTag(tag)
                                        .setSimpleValue(value.floatValue())));
        write(Event.newBuilder().setWallTime(wallTime()).setStep(step).setSummary(summary).build());
    }

    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    private void write(Event event) throws IOException {
        TfRecord.write(out, event.toByteArray());
    }

    private double wallTime() {
        return clock.millis() / 1000.0;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName().replaceAll("[^A-Za-z0-9._-]", "_");
        } catch (IOException e) {
            return "localhost";
        }
    }
}
