package io.replayflow.trainer.graph;

import io.replayflow.trainer.TransitionSpec;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * The inputs of a graph whose networks are LSTMs unrolled over each segment: the state every
 * network starts each segment from, and the burn-in path's prefixes (R2D2's burn-in, Kapturowski et
 * al., ICLR 2019). The learner first runs the burn-in path from zeros and feeds its result back as
 * the start state ({@code io.replayflow.trainer.pg.SegmentLearnerBase#initialState}).
 *
 * @param state {@code h, c} {@code [B, units]} per network: {@code inputs/<prefix>state_h}, {@code
 *     inputs/<prefix>state_c}, in the order of the prefixes given to {@link #create}
 * @param burnInObs each segment's burn-in prefix {@code [B * K, ...obsShape]}, left-padded
 * @param burnInMask 1 on a prefix's real steps, 0 on its padding {@code [B * K]}
 */
public record LstmInputs(
        List<Placeholder<TFloat32>> state,
        Placeholder<TFloat32> burnInObs,
        Placeholder<TFloat32> burnInMask) {

    public LstmInputs {
        state = List.copyOf(state);
    }

    /**
     * The placeholders in {@code in} (the graph's {@code inputs} scope).
     *
     * @param units the LSTMs' width
     * @param prefixes one per network: {@code ""} for the online network, {@code "target_"} etc.
     */
    static LstmInputs create(Ops in, TransitionSpec spec, int units, String... prefixes) {
        Shape shape = Shape.of(-1, units);
        List<Placeholder<TFloat32>> state = new ArrayList<>();
        for (String prefix : prefixes) {
            state.add(
                    in.withName(prefix + "state_h")
                            .placeholder(TFloat32.class, Placeholder.shape(shape)));
            state.add(
                    in.withName(prefix + "state_c")
                            .placeholder(TFloat32.class, Placeholder.shape(shape)));
        }
        return new LstmInputs(
                state,
                in.withName("burn_in_obs")
                        .placeholder(
                                TFloat32.class, Placeholder.shape(SegmentInputs.obsShape(spec))),
                SegmentInputs.vector(in, "burn_in_mask"));
    }

    /** The first network's (the online network's) start {@code h} {@code [B, units]}. */
    public Placeholder<TFloat32> stateH() {
        return state.get(0);
    }

    /** The first network's start {@code c} {@code [B, units]}. */
    public Placeholder<TFloat32> stateC() {
        return state.get(1);
    }
}
