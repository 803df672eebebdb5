package io.replayflow.actor.env.minatar;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.replayflow.actor.env.StepResult;
import java.util.ArrayList;
import java.util.List;

/** Steps a MinAtar game from a JSON state and reads its image and state back. */
final class MinAtarTestSupport {
    private static final ObjectMapper JSON = new ObjectMapper();

    final MinAtarEnv env;
    final float[] obs;
    final StepResult result = new StepResult();

    MinAtarTestSupport(String envId, String stateJson) {
        env = MinAtar.make(envId, MinAtarOptions.DEFAULTS.withStickyActionProbability(0));
        obs = new float[env.spec().observationSize()];
        env.setState(stateJson, 0L);
    }

    /** Applies {@code action} and returns the reward. */
    float step(int action) {
        env.step(action, obs, 0, result);
        return result.reward();
    }

    JsonNode state() {
        try {
            return JSON.readTree(env.stateJson());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The (y, x) cells set in {@code channel} of the last observation, as "y,x" strings. */
    List<String> cells(int channel) {
        int channels = env.spec().observationShape().get(2);
        List<String> cells = new ArrayList<>();
        for (int y = 0; y < 10; y++) {
            for (int x = 0; x < 10; x++) {
                if (obs[(y * 10 + x) * channels + channel] == 1f) {
                    cells.add(y + "," + x);
                }
            }
        }
        return cells;
    }

    /** A 10×10 grid JSON with ones at the given "y,x" cells. */
    static String grid(String... ones) {
        int[][] g = new int[10][10];
        for (String cell : ones) {
            String[] yx = cell.split(",");
            g[Integer.parseInt(yx[0])][Integer.parseInt(yx[1])] = 1;
        }
        StringBuilder s = new StringBuilder("[");
        for (int y = 0; y < 10; y++) {
            s.append(y == 0 ? "" : ",").append("[");
            for (int x = 0; x < 10; x++) {
                s.append(x == 0 ? "" : ",").append(g[y][x]);
            }
            s.append("]");
        }
        return s.append("]").toString();
    }

    /** The brick rows 1..3 of a fresh Breakout, as a grid. */
    static String defaultBricks() {
        List<String> cells = new ArrayList<>();
        for (int y = 1; y <= 3; y++) {
            for (int x = 0; x < 10; x++) {
                cells.add(y + "," + x);
            }
        }
        return grid(cells.toArray(String[]::new));
    }
}
