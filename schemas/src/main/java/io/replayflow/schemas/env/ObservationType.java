package io.replayflow.schemas.env;

/**
 * How one observation travels in a {@code Transition}: a float32 vector in {@code obs} / {@code
 * next_obs}, or a uint8 tensor in {@code obs_image} / {@code next_obs_image} (bytes plus shape).
 */
public enum ObservationType {
    /** {@code obs}: {@code array<float>} with the product of the shape as its length. */
    FLOAT32,
    /** {@code obs_image}: uint8 bytes with the product of the shape as their count. */
    UINT8
}
