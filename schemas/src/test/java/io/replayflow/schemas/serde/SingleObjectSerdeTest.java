package io.replayflow.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replayflow.schemas.avro.DeadLetter;
import io.replayflow.schemas.avro.Decision;
import io.replayflow.schemas.avro.EpisodeStats;
import io.replayflow.schemas.avro.EpisodeSummary;
import io.replayflow.schemas.avro.Outcome;
import io.replayflow.schemas.avro.PolicyAssignment;
import io.replayflow.schemas.avro.PolicyFailure;
import io.replayflow.schemas.avro.PolicyVersion;
import io.replayflow.schemas.avro.PriorityUpdate;
import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.serde.DecodeException.Reason;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class SingleObjectSerdeTest {

    private final SingleObjectSerde<Transition> serde =
            SingleObjectSerde.forClass(Transition.class);

    @Test
    void everyContractRoundTrips() throws Exception {
        assertRoundTrip(Transition.class, SampleRecords.transition());
        assertRoundTrip(Transition.class, SampleRecords.imageTransition());
        assertRoundTrip(PolicyVersion.class, SampleRecords.policyVersion());
        assertRoundTrip(PriorityUpdate.class, SampleRecords.priorityUpdate());
        assertRoundTrip(EpisodeSummary.class, SampleRecords.episodeSummary());
        assertRoundTrip(EpisodeStats.class, SampleRecords.episodeStats());
        assertRoundTrip(DeadLetter.class, SampleRecords.deadLetter());
        assertRoundTrip(Decision.class, SampleRecords.decision());
        assertRoundTrip(Decision.class, SampleRecords.maskedDecision());
        assertRoundTrip(Outcome.class, SampleRecords.reward());
        assertRoundTrip(Outcome.class, SampleRecords.sessionEnd());
        assertRoundTrip(PolicyAssignment.class, SampleRecords.canaryAssignment());
        assertRoundTrip(PolicyAssignment.class, SampleRecords.championOnlyAssignment());
        assertRoundTrip(PolicyFailure.class, SampleRecords.swapFailure());
    }

    @Test
    void headerIsMarkerThenLittleEndianFingerprint() throws Exception {
        byte[] bytes = serde.encode(SampleRecords.transition());

        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        long expected =
                org.apache.avro.SchemaNormalization.parsingFingerprint64(
                        Transition.getClassSchema());
        assertThat(SingleObjectSerde.fingerprintOf(bytes)).isEqualTo(expected);
        assertThat(bytes[2]).isEqualTo((byte) expected); // least significant byte first
    }

    @Test
    void readsWhatAvrosOwnMessageEncoderWrites() throws Exception {
        // Another client following the spec (here Avro's BinaryMessageEncoder) must interoperate.
        BinaryMessageEncoder<Transition> avroEncoder =
                new BinaryMessageEncoder<>(SpecificData.get(), Transition.getClassSchema());
        ByteBuffer foreign = avroEncoder.encode(SampleRecords.transition());

        assertThat(serde.decode(toArray(foreign))).isEqualTo(SampleRecords.transition());

        BinaryMessageDecoder<Transition> avroDecoder =
                new BinaryMessageDecoder<>(SpecificData.get(), Transition.getClassSchema());
        assertThat(avroDecoder.decode(serde.encode(SampleRecords.transition())))
                .isEqualTo(SampleRecords.transition());
    }

    @Test
    void decodeCheckedReadsWhatDecodeAccepted() throws Exception {
        Transition t = SampleRecords.imageTransition();
        byte[] bytes = serde.encode(t);
        assertThat(serde.decodeChecked(bytes)).isEqualTo(serde.decode(bytes)).isEqualTo(t);
        // Under another schema it takes the checked path, with its reasons.
        byte[] unknown = bytes.clone();
        unknown[2] ^= 0x5A;
        assertThatThrownBy(() -> serde.decodeChecked(unknown))
                .isInstanceOf(DecodeException.class)
                .extracting(e -> ((DecodeException) e).reason())
                .isEqualTo(Reason.UNKNOWN_FINGERPRINT);
    }

    @Test
    void decodeReusesTheGivenRecord() throws Exception {
        Transition reuse = new Transition();
        Transition decoded = serde.decode(serde.encode(SampleRecords.transition()), reuse);
        assertThat(decoded).isSameAs(reuse).isEqualTo(SampleRecords.transition());
    }

    @Test
    void emptyPayload() {
        assertReason(new byte[0], Reason.EMPTY_PAYLOAD, "empty payload");
        assertReason(null, Reason.EMPTY_PAYLOAD, "empty payload");
    }

    @Test
    void plainJsonIsNotSingleObject() {
        byte[] json =
                "{\"env_id\":\"CartPole-v1\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertReason(json, Reason.BAD_MARKER, "not the Avro single-object marker C3 01");
    }

    @Test
    void confluentWireFormatIsNotSingleObject() {
        byte[] confluent = {0, 0, 0, 0, 7, 2, 3};
        assertReason(confluent, Reason.BAD_MARKER, "starts with 00 00");
    }

    @Test
    void truncatedHeader() {
        byte[] bytes = Arrays.copyOf(serde.encode(SampleRecords.transition()), 6);
        assertReason(bytes, Reason.TRUNCATED_HEADER, "6 bytes, shorter than the 10-byte");
    }

    @Test
    void unknownFingerprintNamesItAndTheFix() {
        byte[] bytes = serde.encode(SampleRecords.transition());
        for (int i = 2; i < 10; i++) {
            bytes[i] = (byte) 0x5A;
        }
        assertReason(bytes, Reason.UNKNOWN_FINGERPRINT, "0x5a5a5a5a5a5a5a5a");
        assertReason(bytes, Reason.UNKNOWN_FINGERPRINT, "release it under schemas/src/main/avro");
    }

    @Test
    void anotherContractOnTheWrongTopic() {
        byte[] episode =
                SingleObjectSerde.forClass(EpisodeSummary.class)
                        .encode(SampleRecords.episodeSummary());
        assertReason(
                episode,
                Reason.WRONG_RECORD_TYPE,
                "payload is a io.replayflow.schemas.avro.EpisodeSummary");
    }

    @Test
    void truncatedBody() {
        byte[] full = serde.encode(SampleRecords.transition());
        for (int cut = SingleObjectSerde.HEADER_LENGTH; cut < full.length; cut++) {
            byte[] bytes = Arrays.copyOf(full, cut);
            assertThatThrownBy(() -> serde.decode(bytes))
                    .isInstanceOf(DecodeException.class)
                    .extracting(e -> ((DecodeException) e).reason())
                    .isIn(Reason.TRUNCATED_BODY, Reason.CORRUPT_BODY);
        }
        assertReason(Arrays.copyOf(full, full.length - 1), Reason.TRUNCATED_BODY, "cut off");
    }

    @Test
    void bodyClaimingAGiantArrayFailsWithoutAllocatingIt() {
        // Body: env_id "" , actor_id "", episode_id "", step 0, event_time 0, then obs with an
        // item count of 2^30 floats (4 GiB, far above the test heap) and nothing after it.
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0, 0, 0, 0, 0});
        body.writeBytes(zigZagVarLong(1L << 30));
        byte[] bytes = withHeader(body.toByteArray());

        assertReason(bytes, Reason.TRUNCATED_BODY, "cut off");
    }

    @Test
    void badUnionIndexIsCorrupt() {
        // A complete v2 Transition whose obs_image union index is 7 (only 0 and 1 exist).
        byte[] good = serde.encode(SampleRecords.transition());
        byte[] bytes = good.clone();
        bytes[bytes.length - 2] = 14; // zig-zag 7; the last two bytes are the two null unions
        assertReason(bytes, Reason.CORRUPT_BODY, "does not parse under its writer schema");
    }

    @Test
    void trailingBytes() {
        byte[] good = serde.encode(SampleRecords.transition());
        byte[] bytes = Arrays.copyOf(good, good.length + 3);
        assertReason(bytes, Reason.TRAILING_BYTES, "bytes left over");
    }

    @Test
    void badRecordDoesNotPoisonTheNextDecode() throws Exception {
        byte[] good = serde.encode(SampleRecords.transition());
        assertReason(Arrays.copyOf(good, good.length - 3), Reason.TRUNCATED_BODY, "cut off");
        assertThat(serde.decode(good)).isEqualTo(SampleRecords.transition());
    }

    private byte[] withHeader(byte[] body) {
        byte[] header = Arrays.copyOf(serde.encode(SampleRecords.transition()), 10);
        byte[] out = Arrays.copyOf(header, 10 + body.length);
        System.arraycopy(body, 0, out, 10, body.length);
        return out;
    }

    private static byte[] zigZagVarLong(long v) {
        long n = (v << 1) ^ (v >> 63);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while ((n & ~0x7FL) != 0) {
            out.write((int) ((n & 0x7F) | 0x80));
            n >>>= 7;
        }
        out.write((int) n);
        return out.toByteArray();
    }

    private void assertReason(byte[] bytes, Reason reason, String messagePart) {
        assertThatThrownBy(() -> serde.decode(bytes))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining(messagePart)
                .extracting(e -> ((DecodeException) e).reason())
                .isEqualTo(reason);
    }

    private static <T extends SpecificRecord> void assertRoundTrip(Class<T> type, T record)
            throws DecodeException {
        SingleObjectSerde<T> s = SingleObjectSerde.forClass(type);
        assertThat(s.decode(s.encode(record))).isEqualTo(record);
    }

    private static byte[] toArray(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.get(out);
        return out;
    }
}
