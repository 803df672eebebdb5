package io.replayflow.schemas.env;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The naming rule of frame-stacked image environments: {@code <image env id>+stack<k>}, e.g. {@code
 * MinAtar/Breakout-v1+stack4}, is the image environment seen through a stack of its last k frames
 * along the channel axis: observation shape {@code [H, W, C·k]}, oldest frame first, each frame's C
 * channels together (pixel (r, c) holds frame 0's C channels, then frame 1's, ...). At a reset all
 * k slots hold the first frame. Actions, time limit and threshold are the image environment's.
 *
 * <p>A stacked id is a distinct environment for everything downstream (ingest validates the stacked
 * shape, the log partitions by it, a policy is trained and evaluated on it), so the rule lives in
 * the environment table: {@link EnvSpecs#builtIn} and {@link EnvSpecs#find} resolve a stacked id of
 * any image environment they know.
 *
 * <pre>{@code
 * String id = FrameStacking.id("MinAtar/Breakout-v1", 4);      // "MinAtar/Breakout-v1+stack4"
 * EnvSpec spec = EnvSpecs.builtIn(id).orElseThrow();            // shape [10, 10, 16]
 * }</pre>
 *
 * @param baseId the image environment's id
 * @param frames frames per observation, 2 to {@value #MAX_FRAMES}
 */
public record FrameStacking(String baseId, int frames) {

    /** The most frames a stack may hold. */
    public static final int MAX_FRAMES = 32;

    private static final Pattern STACKED = Pattern.compile("(.+)\\+stack(\\d{1,3})");

    public FrameStacking {
        if (baseId == null || baseId.isBlank()) {
            throw new IllegalArgumentException("frame stacking needs the id of an image env");
        }
        if (frames < 2 || frames > MAX_FRAMES) {
            throw new IllegalArgumentException(
                    "a frame stack of "
                            + frames
                            + " frames: use 2 to "
                            + MAX_FRAMES
                            + " (4 is the DQN papers' choice), or no stacking");
        }
    }

    /** The stacked env id {@code baseId+stack<frames>}. */
    public static String id(String baseId, int frames) {
        return new FrameStacking(baseId, frames).id();
    }

    /** The stacked env id. */
    public String id() {
        return baseId + "+stack" + frames;
    }

    /** The base id and frame count of {@code envId} if it follows the rule; empty otherwise. */
    public static Optional<FrameStacking> parse(String envId) {
        if (envId == null) {
            return Optional.empty();
        }
        Matcher m = STACKED.matcher(envId);
        if (!m.matches()) {
            return Optional.empty();
        }
        int frames = Integer.parseInt(m.group(2));
        if (frames < 2 || frames > MAX_FRAMES) {
            return Optional.empty();
        }
        return Optional.of(new FrameStacking(m.group(1), frames));
    }

    /**
     * The stacked spec of {@code base}: its id with the suffix, shape {@code [H, W, C·frames]}.
     *
     * @throws IllegalArgumentException when {@code base} is not a uint8 image {@code [H, W, C]}
     */
    public EnvSpec apply(EnvSpec base) {
        if (!base.id().equals(baseId)) {
            throw new IllegalArgumentException(
                    "stacking " + baseId + " frames onto the spec of " + base.id());
        }
        List<Integer> shape = base.observationShape();
        if (base.observationType() != ObservationType.UINT8 || shape.size() != 3) {
            throw new IllegalArgumentException(
                    base.id()
                            + " has "
                            + base.observationType()
                            + " observations of shape "
                            + shape
                            + "; frame stacking applies to uint8 images [H, W, C] such as"
                            + " MinAtar/Breakout-v1");
        }
        return new EnvSpec(
                id(),
                List.of(shape.get(0), shape.get(1), shape.get(2) * frames),
                ObservationType.UINT8,
                base.numActions(),
                base.maxEpisodeSteps(),
                base.solvedThreshold(),
                base.randomPolicyBaseline());
    }
}
