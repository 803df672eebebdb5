package io.replayflow.trainer;

import java.util.Arrays;
import java.util.stream.Collectors;

/** How in-memory sources draw batches, by the name used in config ({@code trainer.sampler}). */
public enum SamplerKind {
    /** Every live row equally likely. */
    UNIFORM("uniform"),
    /** By priority (|TD error| + ε)^α with importance weights (Schaul et al., ICLR 2016). */
    PRIORITIZED("prioritized");

    private final String id;

    SamplerKind(String id) {
        this.id = id;
    }

    /** The name in config. */
    public String id() {
        return id;
    }

    /**
     * Parses {@code uniform} or {@code prioritized}, ignoring case.
     *
     * @throws IllegalArgumentException naming the choices
     */
    public static SamplerKind parse(String id) {
        for (SamplerKind kind : values()) {
            if (kind.id.equalsIgnoreCase(id.strip())) {
                return kind;
            }
        }
        throw new IllegalArgumentException(
                "choose "
                        + Arrays.stream(values())
                                .map(SamplerKind::id)
                                .collect(Collectors.joining(" or ")));
    }

    @Override
    public String toString() {
        return id;
    }
}
