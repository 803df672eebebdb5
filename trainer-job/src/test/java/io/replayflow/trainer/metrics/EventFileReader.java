package io.replayflow.trainer.metrics;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.proto.Event;
import org.tensorflow.proto.Summary;

/** Reads TensorBoard event files back (CRC-checked), for tests to check what was written. */
public final class EventFileReader {

    private EventFileReader() {}

    /** One scalar from an event file. */
    public record Scalar(String tag, long step, float value, double wallTime) {}

    /** Every event in {@code file}, in order. */
    public static List<Event> events(Path file) throws IOException {
        List<Event> events = new ArrayList<>();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            for (byte[] record = TfRecord.read(in); record != null; record = TfRecord.read(in)) {
                events.add(Event.parseFrom(record));
            }
        }
        return events;
    }

    /** Every scalar in {@code file}, in order. */
    public static List<Scalar> scalars(Path file) throws IOException {
        List<Scalar> scalars = new ArrayList<>();
        for (Event e : events(file)) {
            if (e.hasSummary()) {
                for (Summary.Value v : e.getSummary().getValueList()) {
                    if (v.hasSimpleValue()) {
                        scalars.add(
                                new Scalar(
                                        v.getTag(),
                                        e.getStep(),
                                        v.getSimpleValue(),
                                        e.getWallTime()));
                    }
                }
            }
        }
        return scalars;
    }
}
