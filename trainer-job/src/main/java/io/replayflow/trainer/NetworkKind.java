package io.replayflow.trainer;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The Q-network families, by the name used in config ({@code trainer.network}). */
public enum NetworkKind {
    /** Dense layers ({@code trainer.hidden}) over float observations. */
    MLP("mlp"),
    /** The Nature-DQN conv stack over uint8 images {@code [H, W, C]}, scaled by 1/255. */
    NATURE_CNN("nature-cnn"),
    /** The MinAtar paper's net (one 3×3 conv, 16 filters, dense 128) over 0/1 images. */
    MINATAR("minatar");

    private final String id;

    NetworkKind(String id) {
        this.id = id;
    }

    /** The name in config. */
    public String id() {
        return id;
    }

    /**
     * Parses {@code mlp}, {@code nature-cnn} or {@code minatar}, ignoring case.
     *
     * @throws IllegalArgumentException naming the choices
     */
    public static NetworkKind parse(String id) {
        for (NetworkKind kind : values()) {
            if (kind.id.equalsIgnoreCase(id.strip())) {
                return kind;
            }
        }
        throw new IllegalArgumentException(
                "choose "
                        + Arrays.stream(values())
                                .map(NetworkKind::id)
                                .collect(Collectors.joining(" or ")));
    }

    @Override
    public String toString() {
        return id;
    }
}
