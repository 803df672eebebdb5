package io.replayflow.trainer.ope;

import java.util.List;

/**
 * The direct method with FQE as the model: the fitted value of each logged episode's first state
 * under the target policy, averaged,
 *
 * <pre>
 *   V_FQE = 1/n sum_i v(s_0^i),   v(s) = q(s, pi(s))
 * </pre>
 *
 * Its id is {@code fqe}: the number {@code ope} reports as FQE's estimate.
 */
public final class DirectMethod implements OpeEstimator {

    @Override
    public String id() {
        return "fqe";
    }

    @Override
    public double estimate(List<LoggedEpisode> episodes, double gamma) {
        double sum = 0;
        for (LoggedEpisode e : episodes) {
            if (e.modelV() == null) {
                throw new IllegalArgumentException("the direct method needs model values (FQE)");
            }
            sum += e.modelV()[0];
        }
        return sum / episodes.size();
    }
}
