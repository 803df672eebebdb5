package io.replayflow.actor.env.minatar;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.replayflow.actor.env.Environment;
import io.replayflow.actor.env.StepResult;
import io.replayflow.schemas.env.EnvSpec;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A MinAtar game as a ReplayFlow {@link Environment}: MinAtar's {@code Environment} wrapper (sticky
 * actions, the minimal action set) around one game's rules.
 *
 * <p>Sticky actions: before each step, with probability p the previous action (a full index) is
 * applied instead of the chosen one, and whatever was applied becomes the previous action — as in
 * MinAtar's {@code act}. The previous action is {@code n} at every reset (MinAtar carries it over
 * from the last episode; resetting it keeps episodes independent given their seeds).
 *
 * <p>Observations: the game's 10×10×n image flattened row-major, channel last (index {@code (y·10 +
 * x)·n + c}), as floats 0 or 1; the spec declares them a uint8 image of shape {@code [10, 10, n]}
 * and the actors publish them as such. Random draws (the sticky draw, Breakout's ball start and the
 * other games' spawns) come from one SplitMix generator seeded at reset, so equal seeds give equal
 * episodes; they do not reproduce numpy's stream.
 *
 * <p>Not thread-safe; the step path allocates nothing (Seaquest's spawns aside).
 */
public final class MinAtarEnv implements Environment {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final EnvSpec spec;
    private final MinAtarGame game;
    private final MinAtarOptions options;
    private final int[] actionMap;
    private SplittableRandom random = new SplittableRandom(0);
    private int lastAction;
    private boolean started;

    MinAtarEnv(EnvSpec fullSpec, MinAtarGame game, MinAtarOptions options) {
        this.game = game;
        this.options = options;
        this.actionMap =
                options.minimalActionSet() ? game.minimalActions() : new int[] {0, 1, 2, 3, 4, 5};
        this.spec =
                new EnvSpec(
                        fullSpec.id(),
                        fullSpec.observationShape(),
                        fullSpec.observationType(),
                        actionMap.length,
                        fullSpec.maxEpisodeSteps(),
                        fullSpec.solvedThreshold(),
                        fullSpec.randomPolicyBaseline());
    }

    @Override
    public EnvSpec spec() {
        return spec;
    }

    public MinAtarOptions options() {
        return options;
    }

    /** The full MinAtar action index (0–5, {@code n l u r d f}) that agent action {@code a} is. */
    public int fullAction(int action) {
        return actionMap[spec.requireValidAction(action)];
    }

    @Override
    public void reset(long seed, float[] obs, int offset) {
        random = new SplittableRandom(seed);
        game.reset(random);
        lastAction = 0;
        started = true;
        observe(obs, offset);
    }

    @Override
    public void step(int action, float[] nextObs, int offset, StepResult result) {
        int chosen = fullAction(action);
        if (!started) {
            throw new IllegalStateException(
                    spec.id()
                            + ": step() called before the first reset(); call reset(seed) or"
                            + " setState(json) to start an episode");
        }
        if (game.terminal) {
            throw new IllegalStateException(
                    spec.id()
                            + ": step() called after the episode terminated; call reset(seed) to"
                            + " start a new episode");
        }
        int applied = random.nextDouble() < options.stickyActionProbability() ? lastAction : chosen;
        lastAction = applied;
        float reward = game.act(applied);
        observe(nextObs, offset);
        result.set(reward, game.terminal);
    }

    /** Whether {@link #setState} works for this game (Breakout and Space Invaders). */
    public boolean hasSettableState() {
        return game.hasSettableState();
    }

    /**
     * Starts an episode from the reset state of {@code seed} with the fields of {@code json} (a
     * JSON object with MinAtar's field names, e.g. Breakout's {@code ball_x}, {@code brick_map})
     * overriding theirs. The sticky-action draws continue from {@code seed}'s generator.
     *
     * @throws IllegalArgumentException naming the bad field, its value and the rule
     */
    public void setState(String json, long seed) {
        if (!game.hasSettableState()) {
            throw new IllegalArgumentException(
                    spec.id()
                            + " cannot start from a given state yet; MinAtar/Breakout-v1 and"
                            + " MinAtar/SpaceInvaders-v1 can");
        }
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    spec.id()
                            + " state is not valid JSON ("
                            + e.getOriginalMessage()
                            + "); give an object such as {\"ball_x\": 0, \"ball_y\": 3}",
                    e);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException(
                    spec.id()
                            + " state must be a JSON object of MinAtar's field names, e.g."
                            + " {\"ball_x\": 0, \"ball_y\": 3}; got "
                            + node);
        }
        reset(seed, new float[spec.observationSize()], 0);
        StateFields fields = new StateFields(spec.id(), (ObjectNode) node);
        game.readState(fields);
        fields.requireOnlyKnown();
    }

    /** The game's internal variables as a JSON object under MinAtar's field names. */
    public String stateJson() {
        if (!game.hasSettableState()) {
            throw new UnsupportedOperationException(spec.id() + " does not expose its state");
        }
        ObjectNode state = JSON.createObjectNode();
        game.writeState(state);
        return state.toString();
    }

    private void observe(float[] obs, int offset) {
        Arrays.fill(obs, offset, offset + spec.observationSize(), 0f);
        game.draw(obs, offset);
    }
}
