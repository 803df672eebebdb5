package io.replayflow.ingest.validate;

import io.replayflow.ingest.IngestMetrics;
import io.replayflow.ingest.flow.ValidTransition;
import io.replayflow.ingest.kafka.RawRecord;
import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.env.EnvSpec;
import io.replayflow.schemas.env.EnvSpecs;
import io.replayflow.schemas.serde.DecodeException;
import io.replayflow.schemas.serde.SingleObjectSerde;
import java.time.Clock;
import java.util.Objects;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes raw records with the schemas serde and applies every check that needs no state. Good
 * records of a known env go to the main output; good records of an undeclared env go to {@link
 * #UNKNOWN_ENV} (keyed by env id) for {@link ShapeLearner}; everything else becomes a dead letter
 * on {@link DeadLetters#TAG}. Nothing a record contains can make this function throw.
 *
 * <p>Stateless; chained to the source. Counts {@code ingest/records_in} and {@code
 * ingest/records_dead_lettered}.
 */
public final class DecodeAndValidate extends ProcessFunction<RawRecord, ValidTransition> {

    private static final long serialVersionUID = 1L;

    /** Records of envs that are neither built in nor declared, with their env id. */
    public static final OutputTag<Tuple2<String, RawRecord>> UNKNOWN_ENV =
            new OutputTag<>("unknown-env", unknownEnvType());

    private final EnvSpecs envSpecs;
    private final Clock clock;

    private transient SingleObjectSerde<Transition> serde;
    private transient DeadLetters deadLetters;
    private transient Counter recordsIn;

    public DecodeAndValidate(EnvSpecs envSpecs, Clock clock) {
        this.envSpecs = Objects.requireNonNull(envSpecs, "envSpecs");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The type of {@link #UNKNOWN_ENV} records. */
    public static TypeInformation<Tuple2<String, RawRecord>> unknownEnvType() {
        return Types.TUPLE(Types.STRING, RawRecord.TYPE);
    }

    @Override
    public void open(OpenContext openContext) {
        serde = SingleObjectSerde.forClass(Transition.class);
        deadLetters = new DeadLetters(getRuntimeContext().getMetricGroup());
        recordsIn =
                IngestMetrics.group(getRuntimeContext().getMetricGroup())
                        .counter(IngestMetrics.RECORDS_IN);
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<ValidTransition> out) {
        recordsIn.inc();
        Transition t;
        ValidTransition valid;
        try {
            t = decode(serde, raw);
            valid = ValidTransition.of(t, raw.value, serde);
        } catch (DecodeException e) {
            reject(ctx, raw, rejectionOf(e));
            return;
        }
        Rejection rejection = TransitionValidator.checkRecord(t);
        if (rejection != null) {
            reject(ctx, raw, rejection);
            return;
        }
        EnvSpec spec = envSpecs.find(t.getEnvId()).orElse(null);
        if (spec == null) {
            ctx.output(UNKNOWN_ENV, Tuple2.of(t.getEnvId(), raw));
            return;
        }
        rejection = TransitionValidator.checkSpec(t, spec);
        if (rejection != null) {
            reject(ctx, raw, rejection);
            return;
        }
        out.collect(valid);
    }

    /**
     * Decodes one payload; any failure, including an unexpected exception inside Avro, is a {@link
     * DecodeException}.
     */
    static Transition decode(SingleObjectSerde<Transition> serde, RawRecord raw)
            throws DecodeException {
        try {
            return serde.decode(raw.value);
        } catch (RuntimeException e) {
            throw new DecodeException(
                    DecodeException.Reason.CORRUPT_BODY,
                    "the Transition body could not be decoded (" + e + "): the bytes are corrupt",
                    e);
        }
    }

    /** The reason and the human part of a decode failure's message. */
    public static Rejection rejectionOf(DecodeException e) {
        String prefix = e.reason().name() + ": ";
        String message = e.getMessage();
        return new Rejection(
                RejectReason.of(e.reason()),
                message.startsWith(prefix) ? message.substring(prefix.length()) : message);
    }

    private void reject(Context ctx, RawRecord raw, Rejection rejection) {
        ctx.output(DeadLetters.TAG, deadLetters.of(raw, rejection, clock.millis()));
    }
}
