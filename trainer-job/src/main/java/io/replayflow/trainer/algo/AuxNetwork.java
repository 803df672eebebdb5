package io.replayflow.trainer.algo;

import io.replayflow.trainer.net.QNetwork;
import java.util.Objects;

/**
 * A network a loss trains beside the online (exported) one, with its own slowly updated copy: IQL's
 * Q and V networks, BCQ's imitation network. Both are built from {@code trainer.network} with the
 * output width the loss asks for ({@link QLoss#auxiliaryOutputs}); the online copy is trained by
 * the same optimizer step as the online network, the target copy follows it with the same target
 * update.
 *
 * @param online the trained copy
 * @param target the slowly updated copy
 */
public record AuxNetwork(QNetwork online, QNetwork target) {

    public AuxNetwork {
        Objects.requireNonNull(online, "online");
        Objects.requireNonNull(target, "target");
    }
}
