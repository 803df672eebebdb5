package io.replayflow.ingest.validate;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.ingest.testing.TestTransitions;
import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.avro.UInt8Tensor;
import io.replayflow.schemas.env.EnvSpec;
import io.replayflow.schemas.env.EnvSpecs;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every validation rule: the reason code and the message a producer gets. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TransitionValidatorTest {

    private static final EnvSpec CART_POLE = EnvSpecs.builtIns().find("CartPole-v1").orElseThrow();

    @Test
    void aGoodCartPoleTransitionPasses() {
        Transition t = TestTransitions.cartPole("a", "e", 0);
        assertThat(TransitionValidator.checkRecord(t)).isNull();
        assertThat(TransitionValidator.checkSpec(t, CART_POLE)).isNull();
    }

    @Test
    void minAtarImagesAreCheckedAgainstTheEnvTablesShape() {
        EnvSpec breakout = EnvSpecs.builtIns().find("MinAtar/Breakout-v1").orElseThrow();
        Transition good =
                io.replayflow.schemas.testing.TestTransitions.image(
                        "MinAtar/Breakout-v1", "a", "e", 3, List.of(10, 10, 4));
        assertThat(TransitionValidator.checkRecord(good)).isNull();
        assertThat(TransitionValidator.checkSpec(good, breakout)).isNull();

        // 399 bytes for a [10, 10, 4] image: dead-lettered before the spec is consulted
        Transition shortFrame = TestTransitions.copy(good);
        shortFrame.getObsImage().setData(ByteBuffer.wrap(new byte[399]));
        assertThat(TransitionValidator.checkRecord(shortFrame))
                .isEqualTo(
                        new Rejection(
                                RejectReason.SHAPE_MISMATCH,
                                "obs_image has 399 bytes but its shape [10, 10, 4] needs 400"
                                        + " bytes: send row-major uint8 data of exactly that"
                                        + " size"));

        // Space Invaders' shape under Breakout's id
        Transition otherGame =
                io.replayflow.schemas.testing.TestTransitions.image(
                        "MinAtar/Breakout-v1", "a", "e", 3, List.of(10, 10, 6));
        assertThat(TransitionValidator.checkSpec(otherGame, breakout))
                .isEqualTo(
                        new Rejection(
                                RejectReason.SPEC_MISMATCH,
                                "obs_image has shape [10, 10, 6] but env MinAtar/Breakout-v1 has"
                                        + " image observations of shape [10, 10, 4]: check the"
                                        + " actor's env_id, or declare its observation shape in"
                                        + " ingest.env-specs"));

        // 400 floats as a vector: the table says uint8 image
        Transition asFloats = TestTransitions.cartPole("a", "e", 0);
        asFloats.setEnvId("MinAtar/Breakout-v1");
        asFloats.setObs(java.util.Collections.nCopies(400, 0f));
        asFloats.setNextObs(java.util.Collections.nCopies(400, 0f));
        assertThat(TransitionValidator.checkSpec(asFloats, breakout))
                .extracting(Rejection::reason)
                .isEqualTo(RejectReason.SPEC_MISMATCH);
    }

    @Test
    void frameStackedImagesAreCheckedAgainstTheStackedShape() {
        String id = "MinAtar/Breakout-v1+stack4";
        EnvSpec stacked = EnvSpecs.builtIns().find(id).orElseThrow();
        Transition good =
                io.replayflow.schemas.testing.TestTransitions.image(
                        id, "a", "e", 3, List.of(10, 10, 16));
        Transition unstacked =
                io.replayflow.schemas.testing.TestTransitions.image(
                        id, "a", "e", 3, List.of(10, 10, 4));

        assertThat(TransitionValidator.checkRecord(good)).isNull();
        assertThat(TransitionValidator.checkSpec(good, stacked)).isNull();
        assertThat(TransitionValidator.checkSpec(unstacked, stacked))
                .extracting(Rejection::reason)
                .isEqualTo(RejectReason.SPEC_MISMATCH);
    }

    @Test
    void missingIdsAreNamed() {
        assertThat(record(t -> t.setActorId("")))
                .isEqualTo(
                        new Rejection(
                                RejectReason.MISSING_ID,
                                "actor_id is empty: every transition needs a non-empty env_id,"
                                        + " actor_id and episode_id (its identity is actor_id,"
                                        + " episode_id and step)"));
        assertThat(
                        record(
                                t -> {
                                    t.setEnvId(" ");
                                    t.setEpisodeId("");
                                }))
                .extracting(Rejection::message)
                .asString()
                .startsWith("env_id, episode_id are empty:");
    }

    @Test
    void negativeStep() {
        assertThat(record(t -> t.setStep(-2L)))
                .isEqualTo(
                        new Rejection(
                                RejectReason.NEGATIVE_STEP,
                                "step is -2: steps count from 0 within an episode"));
    }

    @Test
    void nonFiniteValuesNameTheFieldAndIndex() {
        String why =
                ": observations, next observations and rewards must be finite numbers (a diverged"
                        + " simulation or a division by zero in the env)";
        assertThat(record(t -> t.setObs(List.of(0f, 0f, Float.NaN, 0f))))
                .isEqualTo(new Rejection(RejectReason.NON_FINITE_VALUE, "obs[2] is NaN" + why));
        assertThat(record(t -> t.setNextObs(List.of(Float.NEGATIVE_INFINITY, 0f, 0f, 0f))))
                .isEqualTo(
                        new Rejection(
                                RejectReason.NON_FINITE_VALUE, "next_obs[0] is -Infinity" + why));
        assertThat(record(t -> t.setReward(Float.POSITIVE_INFINITY)))
                .isEqualTo(
                        new Rejection(RejectReason.NON_FINITE_VALUE, "reward is Infinity" + why));
    }

    @Test
    void obsAndNextObsMustAgree() {
        assertThat(record(t -> t.setNextObs(List.of(0f, 0f, 0f))))
                .isEqualTo(
                        new Rejection(
                                RejectReason.SHAPE_MISMATCH,
                                "obs has 4 values but next_obs has 3: both are observations of"
                                        + " the same env and need the same shape"));
        assertThat(
                        record(
                                t -> {
                                    t.setObs(List.of());
                                    t.setNextObs(List.of());
                                }))
                .isEqualTo(
                        new Rejection(
                                RejectReason.SHAPE_MISMATCH,
                                "obs is empty and obs_image is null: a transition carries a vector"
                                        + " observation in obs or an image in obs_image"));
    }

    @Test
    void imagesMustAgreeAndFitTheirShape() {
        Transition pixels = TestTransitions.pixels("Pixels-v0", "a", "e", 0);
        assertThat(TransitionValidator.checkRecord(pixels)).isNull();

        Transition noNext = TestTransitions.copy(pixels);
        noNext.setNextObsImage(null);
        assertThat(TransitionValidator.checkRecord(noNext))
                .isEqualTo(
                        new Rejection(
                                RejectReason.SHAPE_MISMATCH,
                                "obs_image is set but next_obs_image is null: an image transition"
                                        + " carries both images"));

        Transition shortData = TestTransitions.copy(pixels);
        shortData.getObsImage().setData(ByteBuffer.wrap(new byte[3]));
        assertThat(TransitionValidator.checkRecord(shortData))
                .isEqualTo(
                        new Rejection(
                                RejectReason.SHAPE_MISMATCH,
                                "obs_image has 3 bytes but its shape [2, 2, 1] needs 4 bytes: send"
                                        + " row-major uint8 data of exactly that size"));

        Transition otherShape = TestTransitions.copy(pixels);
        otherShape.setNextObsImage(
                UInt8Tensor.newBuilder()
                        .setData(ByteBuffer.wrap(new byte[4]))
                        .setShape(List.of(4, 1, 1))
                        .build());
        assertThat(TransitionValidator.checkRecord(otherShape))
                .isEqualTo(
                        new Rejection(
                                RejectReason.SHAPE_MISMATCH,
                                "obs_image has shape [2, 2, 1] but next_obs_image has [4, 1, 1]:"
                                        + " both are observations of the same env and need the"
                                        + " same shape"));
    }

    @Test
    void theObservationMustFitTheEnvSpec() {
        Transition t = TestTransitions.cartPole("a", "e", 0);
        t.setObs(List.of(0f, 0f, 0f));
        t.setNextObs(List.of(0f, 0f, 0f));
        assertThat(TransitionValidator.checkSpec(t, CART_POLE))
                .isEqualTo(
                        new Rejection(
                                RejectReason.SPEC_MISMATCH,
                                "obs has 3 values but env CartPole-v1 has observations of shape"
                                        + " [4]: check the actor's env_id, or declare its"
                                        + " observation shape in ingest.env-specs"));
    }

    @Test
    void aDeclaredImageSpecAcceptsItsShapeOrAFlatVectorOfItsSize() {
        EnvSpec spec = EnvSpec.parse("Pixels-v0:2x2x1:3");
        assertThat(
                        TransitionValidator.checkSpec(
                                TestTransitions.pixels("Pixels-v0", "a", "e", 0), spec))
                .isNull();
        Transition flat = TestTransitions.cartPole("a", "e", 0);
        assertThat(TransitionValidator.checkSpec(flat, spec)).isNull();
    }

    @Test
    void theActionMustBeInTheEnvsActionSpace() {
        Transition t = TestTransitions.cartPole("a", "e", 0);
        t.setAction(2);
        assertThat(TransitionValidator.checkSpec(t, CART_POLE))
                .isEqualTo(
                        new Rejection(
                                RejectReason.ACTION_OUT_OF_RANGE,
                                "action 2 is outside the action space of CartPole-v1, 0..1: the"
                                        + " actor logged another env's action or an invalid"
                                        + " index"));
    }

    @Test
    void anUndeclaredEnvIsHeldToItsFirstShapeAndNonNegativeActions() {
        Transition first = TestTransitions.pixels("Pixels-v0", "a", "e", 0);
        ObservationShape learned = ObservationShape.of(first);
        assertThat(learned.toText()).isEqualTo("IMAGE:2x2x1");
        assertThat(ObservationShape.parse(learned.toText())).isEqualTo(learned);

        Transition vector = TestTransitions.cartPole("a", "e", 1);
        vector.setEnvId("Pixels-v0");
        assertThat(TransitionValidator.checkLearned(vector, learned))
                .isEqualTo(
                        new Rejection(
                                RejectReason.SPEC_MISMATCH,
                                "obs has 4 values but undeclared env Pixels-v0 was first seen with"
                                        + " image observations of shape [2, 2, 1]: check the"
                                        + " actor's env_id, or declare its observation shape in"
                                        + " ingest.env-specs"));

        Transition negative = TestTransitions.copy(first);
        negative.setAction(-1);
        assertThat(TransitionValidator.checkLearned(negative, learned))
                .isEqualTo(
                        new Rejection(
                                RejectReason.ACTION_OUT_OF_RANGE,
                                "action -1 is negative: actions are indices 0..n-1 (declare"
                                        + " Pixels-v0 in ingest.env-specs to check the upper bound"
                                        + " too)"));
    }

    @Test
    void behaviorProbMustBeInTheHalfOpenUnitInterval() {
        String why =
                ": it is the probability the behaviour policy gave the action it took, so it lies"
                        + " in (0, 1] (1.0 for a greedy action, 1/n for a uniform one)";
        assertThat(record(t -> t.setBehaviorProb(0f)))
                .isEqualTo(
                        new Rejection(
                                RejectReason.BEHAVIOR_PROB_OUT_OF_RANGE,
                                "behavior_prob is 0.0" + why));
        assertThat(record(t -> t.setBehaviorProb(1.01f)))
                .isEqualTo(
                        new Rejection(
                                RejectReason.BEHAVIOR_PROB_OUT_OF_RANGE,
                                "behavior_prob is 1.01" + why));
        assertThat(record(t -> t.setBehaviorProb(Float.NaN)).reason())
                .isEqualTo(RejectReason.BEHAVIOR_PROB_OUT_OF_RANGE);
        assertThat(record(t -> t.setBehaviorProb(1f))).isNull();
    }

    @Test
    void decodeReasonsKeepTheirNames() {
        for (io.replayflow.schemas.serde.DecodeException.Reason reason :
                io.replayflow.schemas.serde.DecodeException.Reason.values()) {
            assertThat(RejectReason.of(reason).name()).isEqualTo(reason.name());
        }
    }

    private static Rejection record(Consumer<Transition> edit) {
        Transition t = TestTransitions.cartPole("a", "e", 3);
        edit.accept(t);
        return TransitionValidator.checkRecord(t);
    }
}
