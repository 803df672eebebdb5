package io.replayflow.actor.env.minatar;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The rules of one MinAtar game (Young &amp; Tian, 2019, "MinAtar: An Atari-Inspired Testbed for
 * Thorough and Reproducible Reinforcement Learning Experiments"; the rules as in MinAtar's {@code
 * minatar/environments/*.py}): the game's internal variables, one frame of play per {@link #act},
 * and the 10×10×n binary image of the state.
 *
 * <p>Actions are MinAtar's full indices {@code 0..5} = {@code n l u r d f}; sticky actions and the
 * minimal action set live in {@link MinAtarEnv}, as they live in MinAtar's {@code Environment}
 * wrapper. Not thread-safe.
 */
abstract sealed class MinAtarGame permits Breakout, SpaceInvaders, Freeway, Asterix, Seaquest {

    /** MinAtar's action letters by full index. */
    static final int NOOP = 0, LEFT = 1, UP = 2, RIGHT = 3, DOWN = 4, FIRE = 5;

    /** Side of the square grid. */
    static final int SIZE = 10;

    boolean terminal;

    /** Image channels, in MinAtar's order. */
    abstract List<String> channels();

    /** The full action indices of MinAtar's minimal action set, in its order. */
    abstract int[] minimalActions();

    /** Starts a new episode; games with random starts or spawns draw from {@code random}. */
    abstract void reset(RandomGenerator random);

    /**
     * Plays one frame with full action {@code action} and returns the reward; sets {@link
     * #terminal}. Draws from the random generator given to the last reset, if the game needs one.
     */
    abstract float act(int action);

    /** Writes the ones of the state image into a zeroed {@code obs[offset..offset + 100·n)}. */
    abstract void draw(float[] obs, int offset);

    /** Whether {@link #readState} and {@link #writeState} are implemented. */
    boolean hasSettableState() {
        return false;
    }

    /** The internal variables under MinAtar's field names. */
    void writeState(ObjectNode state) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " state");
    }

    /**
     * Overrides the internal variables named in {@code state} (the others keep their values).
     *
     * @throws IllegalArgumentException naming the field, what it holds and what it must hold
     */
    void readState(StateFields state) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " state");
    }

    /** The index of image cell (y, x, channel) in the flattened row-major, channel-last image. */
    final int cell(int y, int x, int channel) {
        return (y * SIZE + x) * channels().size() + channel;
    }

    /** Sets image cell (y, x, channel) to 1. */
    final void mark(float[] obs, int offset, int y, int x, int channel) {
        obs[offset + cell(y, x, channel)] = 1f;
    }

    /** Marks every set cell of {@code map} in {@code channel}. */
    final void markMap(float[] obs, int offset, boolean[][] map, int channel) {
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                if (map[y][x]) {
                    mark(obs, offset, y, x, channel);
                }
            }
        }
    }

    static int count(boolean[][] map) {
        int n = 0;
        for (boolean[] row : map) {
            for (boolean cell : row) {
                n += cell ? 1 : 0;
            }
        }
        return n;
    }

    static boolean anyInColumn(boolean[][] map, int x) {
        for (boolean[] row : map) {
            if (row[x]) {
                return true;
            }
        }
        return false;
    }

    static boolean anyInRow(boolean[][] map, int y) {
        for (boolean cell : map[y]) {
            if (cell) {
                return true;
            }
        }
        return false;
    }
}
