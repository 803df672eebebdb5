package io.replayflow.ingest.validate;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.ingest.flow.ValidTransition;
import io.replayflow.ingest.kafka.RawRecord;
import io.replayflow.ingest.testing.MalformedRecords;
import io.replayflow.ingest.testing.TestTransitions;
import io.replayflow.schemas.avro.DeadLetter;
import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.env.EnvSpecs;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Routing of decoded records (main, undeclared env, dead letter) and the shape learner. */
@Timeout(value = 1, unit = TimeUnit.MINUTES)
@SuppressWarnings("try") // the harnesses' close() may throw InterruptedException
class DecodeAndValidateTest {

    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(42_000), ZoneOffset.UTC);

    @Test
    void goodRecordsGoOnAndBadOnesBecomeDeadLettersWithTheirSource() throws Exception {
        try (OneInputStreamOperatorTestHarness<RawRecord, ValidTransition> harness =
                ProcessFunctionTestHarnesses.forProcessFunction(
                        new DecodeAndValidate(EnvSpecs.builtIns(), CLOCK))) {
            Transition good = TestTransitions.cartPole("a", "e", 0);
            harness.processElement(raw(7, MalformedRecords.encode(good)), 0);
            harness.processElement(raw(8, new byte[] {'{', '}'}), 0);
            harness.processElement(raw(9, null), 0);

            assertThat(transitions(harness)).containsExactly(good);
            List<DeadLetter> dead =
                    harness.getSideOutput(DeadLetters.TAG).stream()
                            .map(StreamRecord::getValue)
                            .toList();
            assertThat(dead)
                    .extracting(DeadLetter::getReason)
                    .containsExactly("BAD_MARKER", "EMPTY_PAYLOAD");
            DeadLetter json = dead.get(0);
            assertThat(json.getMessage())
                    .startsWith(
                            "payload starts with 7B 7D, not the Avro single-object marker C3 01");
            assertThat(json.getSourceTopic()).isEqualTo("rf.transitions");
            assertThat(json.getSourcePartition()).isEqualTo(3);
            assertThat(json.getSourceOffset()).isEqualTo(8);
            assertThat(json.getKey())
                    .isEqualTo(ByteBuffer.wrap("k".getBytes(StandardCharsets.UTF_8)));
            assertThat(json.getPayload()).isEqualTo(ByteBuffer.wrap(new byte[] {'{', '}'}));
            assertThat(json.getTimeMs()).isEqualTo(42_000);
            assertThat(dead.get(1).getPayload().remaining()).isZero();
        }
    }

    @Test
    void recordsOfAnUndeclaredEnvGoToTheShapeLearner() throws Exception {
        try (OneInputStreamOperatorTestHarness<RawRecord, ValidTransition> harness =
                ProcessFunctionTestHarnesses.forProcessFunction(
                        new DecodeAndValidate(EnvSpecs.builtIns(), CLOCK))) {
            RawRecord pixels =
                    raw(
                            1,
                            MalformedRecords.encode(
                                    TestTransitions.pixels("Pixels-v0", "a", "e", 0)));
            harness.processElement(pixels, 0);

            assertThat(transitions(harness)).isEmpty();
            assertThat(harness.getSideOutput(DecodeAndValidate.UNKNOWN_ENV))
                    .extracting(StreamRecord::getValue)
                    .containsExactly(Tuple2.of("Pixels-v0", pixels));
        }
    }

    @Test
    void theShapeLearnerHoldsAnUndeclaredEnvToItsFirstRecord() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<
                        String, Tuple2<String, RawRecord>, ValidTransition>
                harness =
                        ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                                new ShapeLearner(CLOCK),
                                record -> record.f0,
                                org.apache.flink.api.common.typeinfo.Types.STRING)) {
            Transition first = TestTransitions.pixels("Pixels-v0", "a", "e", 0);
            Transition second = TestTransitions.pixels("Pixels-v0", "a", "e", 1);
            Transition other = TestTransitions.cartPole("a", "e", 2);
            other.setEnvId("Pixels-v0");
            for (Transition t : List.of(first, second, other)) {
                harness.processElement(
                        Tuple2.of("Pixels-v0", raw(t.getStep(), MalformedRecords.encode(t))), 0);
            }

            assertThat(transitions(harness)).containsExactly(first, second);
            assertThat(harness.getSideOutput(DeadLetters.TAG))
                    .extracting(r -> r.getValue().getReason())
                    .containsExactly("SPEC_MISMATCH");
        }
    }

    private static RawRecord raw(long offset, byte[] value) {
        return new RawRecord(
                "rf.transitions", 3, offset, 0, "k".getBytes(StandardCharsets.UTF_8), value);
    }

    private static List<Transition> transitions(
            org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness<ValidTransition>
                    harness) {
        return harness.extractOutputValues().stream().map(ValidTransition::transition).toList();
    }
}
