package io.replayflow.trainer.pg;

import java.util.Locale;

/** The core of the actor-critic ({@code trainer.pg.network}), by its name in config. */
public enum ActorCriticCore {
    /** Dense ReLU layers ({@code trainer.actor-critic.hidden}): a feed-forward policy. */
    MLP,
    /**
     * The dense layers, then an LSTM of {@code trainer.pg.lstm-units}: a recurrent policy trained
     * on whole segments with a burn-in prefix of {@code trainer.pg.burn-in} steps.
     */
    LSTM;

    /** The name in config: {@code mlp} or {@code lstm}. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
