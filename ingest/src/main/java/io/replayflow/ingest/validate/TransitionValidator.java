package io.replayflow.ingest.validate;

import io.replayflow.schemas.avro.Transition;
import io.replayflow.schemas.avro.UInt8Tensor;
import io.replayflow.schemas.env.EnvSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The rules a decoded {@link Transition} must pass, as pure functions. Each returns {@code null}
 * for a good record or the first {@link Rejection} in this order: ids, step, finite values,
 * obs/next_obs consistency, the env's observation shape, the action space, behavior_prob.
 *
 * <p>Split in two so that a record of an unknown env can pass the record-level checks where it is
 * decoded and the shape check where that env's first-seen shape is kept ({@link ShapeLearner}).
 *
 * <p>Stateless and thread-safe.
 */
public final class TransitionValidator {

    private TransitionValidator() {}

    /** Every check that needs no env spec. */
    public static Rejection checkRecord(Transition t) {
        Rejection r = checkIds(t);
        if (r == null) {
            r = checkStep(t);
        }
        if (r == null) {
            r = checkFinite(t);
        }
        if (r == null) {
            r = checkShapesAgree(t);
        }
        if (r == null) {
            r = checkBehaviorProb(t);
        }
        return r;
    }

    /** The checks against a known env: observation shape and action space. */
    public static Rejection checkSpec(Transition t, EnvSpec spec) {
        Rejection r = checkShape(t, ObservationShape.of(spec), "env " + spec.id() + " has");
        if (r == null && (t.getAction() < 0 || t.getAction() >= spec.numActions())) {
            r =
                    new Rejection(
                            RejectReason.ACTION_OUT_OF_RANGE,
                            "action "
                                    + t.getAction()
                                    + " is outside the action space of "
                                    + spec.id()
                                    + ", 0.."
                                    + (spec.numActions() - 1)
                                    + ": the actor logged another env's action or an invalid"
                                    + " index");
        }
        return r;
    }

    /**
     * The checks against an env known only by its first record: that record's observation shape;
     * actions need only be non-negative.
     */
    public static Rejection checkLearned(Transition t, ObservationShape firstSeen) {
        Rejection r =
                checkShape(t, firstSeen, "undeclared env " + t.getEnvId() + " was first seen with");
        if (r == null && t.getAction() < 0) {
            r =
                    new Rejection(
                            RejectReason.ACTION_OUT_OF_RANGE,
                            "action "
                                    + t.getAction()
                                    + " is negative: actions are indices 0..n-1 (declare "
                                    + t.getEnvId()
                                    + " in ingest.env-specs to check the upper bound too)");
        }
        return r;
    }

    private static Rejection checkIds(Transition t) {
        List<String> missing = new ArrayList<>(3);
        if (isBlank(t.getEnvId())) {
            missing.add("env_id");
        }
        if (isBlank(t.getActorId())) {
            missing.add("actor_id");
        }
        if (isBlank(t.getEpisodeId())) {
            missing.add("episode_id");
        }
        if (missing.isEmpty()) {
            return null;
        }
        return new Rejection(
                RejectReason.MISSING_ID,
                String.join(", ", missing)
                        + (missing.size() == 1 ? " is" : " are")
                        + " empty: every transition needs a non-empty env_id, actor_id and"
                        + " episode_id (its identity is actor_id, episode_id and step)");
    }

    private static Rejection checkStep(Transition t) {
        if (t.getStep() >= 0) {
            return null;
        }
        return new Rejection(
                RejectReason.NEGATIVE_STEP,
                "step is " + t.getStep() + ": steps count from 0 within an episode");
    }

    private static Rejection checkFinite(Transition t) {
        String bad = firstNonFinite("obs", t.getObs());
        if (bad == null) {
            bad = firstNonFinite("next_obs", t.getNextObs());
        }
        if (bad == null && !Float.isFinite(t.getReward())) {
            bad = "reward is " + t.getReward();
        }
        if (bad == null) {
            return null;
        }
        return new Rejection(
                RejectReason.NON_FINITE_VALUE,
                bad
                        + ": observations, next observations and rewards must be finite numbers"
                        + " (a diverged simulation or a division by zero in the env)");
    }

    private static String firstNonFinite(String field, List<Float> values) {
        for (int i = 0; i < values.size(); i++) {
            float v = values.get(i);
            if (!Float.isFinite(v)) {
                return field + "[" + i + "] is " + v;
            }
        }
        return null;
    }

    private static Rejection checkShapesAgree(Transition t) {
        UInt8Tensor obsImage = t.getObsImage();
        UInt8Tensor nextImage = t.getNextObsImage();
        if (obsImage == null && nextImage == null) {
            if (t.getObs().isEmpty()) {
                return shapeMismatch(
                        "obs is empty and obs_image is null: a transition carries a vector"
                                + " observation in obs or an image in obs_image");
            }
            if (t.getObs().size() != t.getNextObs().size()) {
                return shapeMismatch(
                        "obs has "
                                + t.getObs().size()
                                + " values but next_obs has "
                                + t.getNextObs().size()
                                + ": both are observations of the same env and need the same"
                                + " shape");
            }
            return null;
        }
        if (obsImage == null || nextImage == null) {
            return shapeMismatch(
                    (obsImage == null
                                    ? "next_obs_image is set but obs_image"
                                    : "obs_image is set" + " but next_obs_image")
                            + " is null: an image transition carries both images");
        }
        if (!t.getObs().isEmpty() || !t.getNextObs().isEmpty()) {
            return shapeMismatch(
                    "obs or next_obs has values next to obs_image: an image transition carries"
                            + " empty obs and next_obs");
        }
        Rejection r = checkImage("obs_image", obsImage);
        if (r == null) {
            r = checkImage("next_obs_image", nextImage);
        }
        if (r == null && !obsImage.getShape().equals(nextImage.getShape())) {
            r =
                    shapeMismatch(
                            "obs_image has shape "
                                    + obsImage.getShape()
                                    + " but next_obs_image has "
                                    + nextImage.getShape()
                                    + ": both are observations of the same env and need the"
                                    + " same shape");
        }
        return r;
    }

    private static Rejection checkImage(String field, UInt8Tensor image) {
        List<Integer> shape = image.getShape();
        for (int dim : shape) {
            if (dim < 1) {
                return shapeMismatch(
                        field + " has shape " + shape + ": every dimension must be at least 1");
            }
        }
        long size = ObservationShape.product(shape);
        if (shape.isEmpty() || image.getData().remaining() != size) {
            return shapeMismatch(
                    field
                            + " has "
                            + image.getData().remaining()
                            + " bytes but its shape "
                            + shape
                            + " needs "
                            + (shape.isEmpty() ? "at least one dimension" : size + " bytes")
                            + ": send row-major uint8 data of exactly that size");
        }
        return null;
    }

    private static Rejection checkShape(Transition t, ObservationShape expected, String whose) {
        ObservationShape actual = ObservationShape.of(t);
        if (expected.accepts(actual)) {
            return null;
        }
        return new Rejection(
                RejectReason.SPEC_MISMATCH,
                actual.describe()
                        + " but "
                        + whose
                        + " "
                        + expected.expectation()
                        + ": check the actor's env_id, or declare its observation shape in"
                        + " ingest.env-specs");
    }

    private static Rejection checkBehaviorProb(Transition t) {
        float p = t.getBehaviorProb();
        if (p > 0f && p <= 1f) {
            return null;
        }
        return new Rejection(
                RejectReason.BEHAVIOR_PROB_OUT_OF_RANGE,
                "behavior_prob is "
                        + p
                        + ": it is the probability the behaviour policy gave the action it took,"
                        + " so it lies in (0, 1] (1.0 for a greedy action, 1/n for a uniform"
                        + " one)");
    }

    private static Rejection shapeMismatch(String message) {
        return new Rejection(RejectReason.SHAPE_MISMATCH, message);
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
