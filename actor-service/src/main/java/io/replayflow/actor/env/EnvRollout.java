package io.replayflow.actor.env;

import io.replayflow.actor.env.minatar.MinAtar;
import io.replayflow.actor.env.minatar.MinAtarEnv;
import io.replayflow.actor.env.minatar.MinAtarOptions;
import io.replayflow.schemas.env.EnvSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Steps a built-in environment from a given state with given actions and reports each step as a
 * JSON line: the logic behind {@code ./replayflow env rollout --env E --state v1,... --actions
 * a1,...}, used to check the dynamics against another implementation.
 *
 * <p>Each line reads {@code {"obs":[...],"reward":r,"terminated":b,"truncated":b}}. Floats are
 * printed with {@link Float#toString(float)}, which reads back to the same float32. The rollout
 * runs under the spec's time limit and stops at the step that ends the episode; actions after it
 * are ignored.
 */
public final class EnvRollout {
    private final EnvRegistry registry;

    public EnvRollout(EnvRegistry registry) {
        this.registry = registry;
    }

    /**
     * Sets {@code envId}'s state to {@code state}, applies {@code actions} in order and returns one
     * JSON line per step taken.
     *
     * @throws IllegalArgumentException for an unknown id, an environment whose state cannot be set,
     *     a state of the wrong length (the message lists what each value means) or an invalid
     *     action (the message gives its position)
     */
    public List<String> run(String envId, double[] state, int[] actions) {
        StatefulEnvironment env = stateful(envId);
        checkActions(env.spec(), actions);
        env.setState(state);
        return steps(env, actions, false);
    }

    private static List<String> steps(Environment env, int[] actions, boolean binaryObs) {
        TimeLimit limited = new TimeLimit(env);
        float[] obs = new float[env.spec().observationSize()];
        StepResult result = new StepResult();
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < actions.length; i++) {
            limited.step(actions[i], obs, 0, result);
            lines.add(toJson(obs, result, i, binaryObs));
            if (result.ended()) {
                break;
            }
        }
        return lines;
    }

    /**
     * Starts MinAtar game {@code envId} from {@code stateJson} (a JSON object with MinAtar's field
     * names; fields left out keep their reset values for {@code seed}), applies {@code actions}
     * (full indices 0–5 {@code n l u r d f}, or the minimal set's indices) and returns one JSON
     * line per step with {@code obs} as 0/1 integers, flattened row-major, channel last.
     *
     * @throws IllegalArgumentException for an id that is not a settable MinAtar game, bad state
     *     JSON (the message names the field) or an invalid action
     */
    public List<String> runMinAtar(
            String envId, String stateJson, int[] actions, MinAtarOptions options, long seed) {
        if (!MinAtar.isMinAtar(envId)) {
            throw new IllegalArgumentException(
                    envId + " is not a MinAtar game; the MinAtar games are " + MinAtar.ids());
        }
        MinAtarEnv env = MinAtar.make(envId, options);
        checkActions(env.spec(), actions);
        env.setState(stateJson, seed);
        return steps(env, actions, true);
    }

    /** Parses {@code --state}'s comma-separated numbers. */
    public static double[] parseState(String csv) {
        String[] parts = split("--state", "0.01,0,0.02,0", csv);
        double[] values = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                values[i] = Double.parseDouble(parts[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "--state value " + (i + 1) + " is not a number: \"" + parts[i] + "\"", e);
            }
        }
        return values;
    }

    /** Parses {@code --actions}' comma-separated integers. */
    public static int[] parseActions(String csv) {
        String[] parts = split("--actions", "0,1,1", csv);
        int[] values = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                values[i] = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "--actions value " + (i + 1) + " is not an integer: \"" + parts[i] + "\"",
                        e);
            }
        }
        return values;
    }

    private static String[] split(String flag, String example, String csv) {
        if (csv == null || csv.isBlank()) {
            throw new IllegalArgumentException(
                    flag + " needs comma-separated values, e.g. " + flag + " " + example);
        }
        String[] parts = csv.split(",", -1);
        for (int i = 0; i < parts.length; i++) {
            parts[i] = parts[i].strip();
        }
        return parts;
    }

    private StatefulEnvironment stateful(String envId) {
        Environment env = registry.makeUnwrapped(envId);
        if (env instanceof StatefulEnvironment stateful) {
            return stateful;
        }
        throw new IllegalArgumentException(
                envId
                        + " cannot start from a given state: its class "
                        + env.getClass().getName()
                        + " does not implement StatefulEnvironment");
    }

    private static void checkActions(EnvSpec spec, int[] actions) {
        for (int i = 0; i < actions.length; i++) {
            int action = actions[i];
            if (action < 0 || action >= spec.numActions()) {
                throw new IllegalArgumentException(
                        "action "
                                + action
                                + " at position "
                                + (i + 1)
                                + " is out of range for "
                                + spec.id()
                                + ": valid actions are 0 to "
                                + (spec.numActions() - 1));
            }
        }
    }

    /** {@code {"obs":[...],"reward":r,"terminated":b,"truncated":b}}, compact. */
    static String toJson(float[] obs, StepResult result, int stepIndex) {
        return toJson(obs, result, stepIndex, false);
    }

    /** As above; {@code binaryObs} prints observations as the integers 0 and 1. */
    static String toJson(float[] obs, StepResult result, int stepIndex, boolean binaryObs) {
        StringBuilder json = new StringBuilder(32 + 16 * obs.length).append("{\"obs\":[");
        for (int i = 0; i < obs.length; i++) {
            if (i > 0) {
                json.append(',');
            }
            json.append(binaryObs ? (obs[i] != 0 ? "1" : "0") : number(obs[i], stepIndex));
        }
        return json.append("],\"reward\":")
                .append(number(result.reward(), stepIndex))
                .append(",\"terminated\":")
                .append(result.terminated())
                .append(",\"truncated\":")
                .append(result.truncated())
                .append('}')
                .toString();
    }

    private static String number(float value, int stepIndex) {
        if (!Float.isFinite(value)) {
            throw new IllegalStateException(
                    "step "
                            + stepIndex
                            + " produced the non-finite value "
                            + value
                            + ", which JSON cannot carry; start from a state within the"
                            + " environment's physical range");
        }
        return Float.toString(value);
    }
}
