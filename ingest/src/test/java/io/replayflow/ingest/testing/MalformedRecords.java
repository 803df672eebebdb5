package io.replayflow.ingest.testing;

import io.replayflow.schemas.avro.EpisodeSummary;
import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.serde.SingleObjectSerde;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;

/**
 * Payloads for every way a record can be refused, keyed by a name, with the reason code ingest must
 * give; and payloads from "foreign" clients that must be accepted.
 */
public final class MalformedRecords {

    private static final SingleObjectSerde<Transition> SERDE =
            SingleObjectSerde.forClass(Transition.class);

    /** A refused payload and the reason code it must get. */
    public record Bad(String name, String reason, byte[] payload) {}

    private MalformedRecords() {}

    /** One or more payloads per reason code; {@code payload} null means a tombstone. */
    public static List<Bad> all(String actor) {
        Map<String, Bad> bad = new LinkedHashMap<>();
        add(bad, "tombstone", "EMPTY_PAYLOAD", null);
        add(bad, "empty", "EMPTY_PAYLOAD", new byte[0]);
        add(
                bad,
                "json",
                "BAD_MARKER",
                "{\"env_id\": \"CartPole-v1\"}".getBytes(StandardCharsets.UTF_8));
        add(bad, "short-header", "TRUNCATED_HEADER", new byte[] {(byte) 0xC3, 0x01, 7, 7});
        byte[] good = encode(TestTransitions.cartPole(actor, "bad", 0));
        byte[] unknown = good.clone();
        unknown[2] ^= 0x5A;
        add(bad, "unknown-fingerprint", "UNKNOWN_FINGERPRINT", unknown);
        add(bad, "episode-summary", "WRONG_RECORD_TYPE", summary());
        add(bad, "cut-body", "TRUNCATED_BODY", Arrays.copyOf(good, good.length / 2));
        byte[] corrupt = good.clone();
        corrupt[corrupt.length - 1] = 0x0A; // union index 5 of next_obs_image: there are 2
        add(bad, "bad-union-index", "CORRUPT_BODY", corrupt);
        add(bad, "trailing", "TRAILING_BYTES", Arrays.copyOf(good, good.length + 1));
        add(bad, "no-actor", "MISSING_ID", encode(t(actor, 1, tr -> tr.setActorId(""))));
        add(bad, "no-episode", "MISSING_ID", encode(t(actor, 2, tr -> tr.setEpisodeId(" "))));
        add(bad, "negative-step", "NEGATIVE_STEP", encode(t(actor, 3, tr -> tr.setStep(-1L))));
        add(
                bad,
                "nan-obs",
                "NON_FINITE_VALUE",
                encode(t(actor, 4, tr -> tr.setObs(List.of(0f, Float.NaN, 0f, 0f)))));
        add(
                bad,
                "inf-next-obs",
                "NON_FINITE_VALUE",
                encode(
                        t(
                                actor,
                                5,
                                tr ->
                                        tr.setNextObs(
                                                List.of(0f, 0f, Float.POSITIVE_INFINITY, 0f)))));
        add(
                bad,
                "nan-reward",
                "NON_FINITE_VALUE",
                encode(t(actor, 6, tr -> tr.setReward(Float.NaN))));
        add(
                bad,
                "next-obs-shorter",
                "SHAPE_MISMATCH",
                encode(t(actor, 7, tr -> tr.setNextObs(List.of(0f, 0f, 0f)))));
        add(
                bad,
                "wrong-spec",
                "SPEC_MISMATCH",
                encode(
                        t(
                                actor,
                                8,
                                tr -> {
                                    tr.setObs(List.of(0f, 0f, 0f));
                                    tr.setNextObs(List.of(0f, 0f, 0f));
                                })));
        add(bad, "action-2", "ACTION_OUT_OF_RANGE", encode(t(actor, 9, tr -> tr.setAction(2))));
        add(
                bad,
                "negative-action",
                "ACTION_OUT_OF_RANGE",
                encode(t(actor, 10, tr -> tr.setAction(-1))));
        add(
                bad,
                "prob-zero",
                "BEHAVIOR_PROB_OUT_OF_RANGE",
                encode(t(actor, 11, tr -> tr.setBehaviorProb(0f))));
        add(
                bad,
                "prob-above-one",
                "BEHAVIOR_PROB_OUT_OF_RANGE",
                encode(t(actor, 12, tr -> tr.setBehaviorProb(1.5f))));
        return List.copyOf(bad.values());
    }

    public static byte[] encode(Transition t) {
        return SERDE.encode(t);
    }

    /**
     * A v1 Transition written by Avro's own message encoder from a generic record, the way a client
     * on another Avro library would: the older schema and another code path.
     */
    public static byte[] viaAvroMessageEncoder(Transition t) throws IOException {
        Schema v1 = releasedSchema("Transition/v1.avsc");
        GenericRecord record = toGeneric(t, v1);
        ByteBuffer encoded =
                new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(record);
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        return bytes;
    }

    /**
     * A v1 Transition assembled by hand, as a client in another language writes it: marker, the
     * little-endian CRC-64-AVRO fingerprint of the schema's canonical form, the binary body.
     */
    public static byte[] byHand(Transition t) throws IOException {
        Schema v1 = releasedSchema("Transition/v1.avsc");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xC3);
        out.write(0x01);
        long fp = SchemaNormalization.parsingFingerprint64(v1);
        for (int i = 0; i < 8; i++) {
            out.write((int) (fp >>> (8 * i)) & 0xFF);
        }
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(v1).write(toGeneric(t, v1), encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static GenericRecord toGeneric(Transition t, Schema schema) {
        GenericData.Record r = new GenericData.Record(schema);
        for (Schema.Field f : schema.getFields()) {
            r.put(f.name(), t.get(f.name()));
        }
        return r;
    }

    private static Schema releasedSchema(String path) throws IOException {
        try (InputStream in =
                MalformedRecords.class.getResourceAsStream(
                        "/io/replayflow/schemas/history/" + path)) {
            return new Schema.Parser().parse(in);
        }
    }

    private static byte[] summary() {
        EpisodeSummary s =
                EpisodeSummary.newBuilder()
                        .setEnvId("CartPole-v1")
                        .setActorId("a")
                        .setEpisodeId("e")
                        .setPolicyVersion(0)
                        .setEpisodeReturn(1.0)
                        .setLength(1)
                        .setTerminated(true)
                        .setTruncated(false)
                        .setStartTimeMs(0)
                        .setEndTimeMs(0)
                        .build();
        return SingleObjectSerde.forClass(EpisodeSummary.class).encode(s);
    }

    private static Transition t(
            String actor, long step, java.util.function.Consumer<Transition> edit) {
        Transition t = TestTransitions.cartPole(actor, "bad", step);
        edit.accept(t);
        return t;
    }

    private static void add(Map<String, Bad> bad, String name, String reason, byte[] payload) {
        bad.put(name, new Bad(name, reason, payload));
    }
}
