package io.replayflow.actor.env.minatar;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * MinAtar Breakout: a paddle on the bottom row bounces a ball into three rows of bricks.
 *
 * <p>Rules (MinAtar's {@code breakout.py}), one frame per action:
 *
 * <ol>
 *   <li>{@code l}/{@code r} move the paddle one cell, within 0..9; other actions do nothing.
 *   <li>The ball moves one cell diagonally: direction 0 = up-left, 1 = up-right, 2 = down-right, 3
 *       = down-left; the old cell becomes the trail ({@code last_x}, {@code last_y}).
 *   <li>Past a side wall: x is clamped and the direction mirrored left/right ({@code 0↔1, 2↔3}).
 *   <li>Past the top: y = 0 and the direction mirrored up/down ({@code 0↔3, 1↔2}). Otherwise, into
 *       a brick: unless the previous frame already struck one ({@code strike}), +1, the brick goes,
 *       the ball stays on its old row and the direction is mirrored up/down. Otherwise, on row 9:
 *       the bricks are refilled (rows 1–3) if none is left; if the ball came from above the paddle
 *       it bounces straight back up ({@code 0↔3, 1↔2}), if it lands on the paddle it bounces back
 *       the way it came ({@code 0↔2, 1↔3}), both staying on the old row; else the episode ends.
 *   <li>{@code strike} stays set only while the ball keeps landing on bricks.
 * </ol>
 *
 * <p>Start: ball on row 3 at x = 0 moving down-right or at x = 9 moving down-left (one random
 * draw), paddle at 4, bricks on rows 1–3. Deterministic given the state. Minimal actions: {@code n
 * l r}.
 */
final class Breakout extends MinAtarGame {
    private static final int PADDLE = 0, BALL = 1, TRAIL = 2, BRICK = 3;
    private static final int[] MIRROR_X = {1, 0, 3, 2};
    private static final int[] MIRROR_Y = {3, 2, 1, 0};
    private static final int[] REVERSE = {2, 3, 0, 1};

    int ballX, ballY, ballDir, pos, lastX, lastY;
    boolean strike;
    final boolean[][] brickMap = new boolean[SIZE][SIZE];

    @Override
    List<String> channels() {
        return List.of("paddle", "ball", "trail", "brick");
    }

    @Override
    int[] minimalActions() {
        return new int[] {NOOP, LEFT, RIGHT};
    }

    @Override
    void reset(RandomGenerator random) {
        ballY = 3;
        boolean fromRight = random.nextInt(2) == 1;
        ballX = fromRight ? 9 : 0;
        ballDir = fromRight ? 3 : 2;
        pos = 4;
        for (int y = 0; y < SIZE; y++) {
            java.util.Arrays.fill(brickMap[y], y >= 1 && y <= 3);
        }
        strike = false;
        lastX = ballX;
        lastY = ballY;
        terminal = false;
    }

    @Override
    float act(int action) {
        float reward = 0;
        if (action == LEFT) {
            pos = Math.max(0, pos - 1);
        } else if (action == RIGHT) {
            pos = Math.min(9, pos + 1);
        }
        lastX = ballX;
        lastY = ballY;
        int newX = ballX + (ballDir == 1 || ballDir == 2 ? 1 : -1);
        int newY = ballY + (ballDir >= 2 ? 1 : -1);
        boolean struckNow = false;
        if (newX < 0 || newX > 9) {
            newX = Math.max(0, Math.min(9, newX));
            ballDir = MIRROR_X[ballDir];
        }
        if (newY < 0) {
            newY = 0;
            ballDir = MIRROR_Y[ballDir];
        } else if (brickMap[newY][newX]) {
            struckNow = true;
            if (!strike) {
                reward += 1;
                strike = true;
                brickMap[newY][newX] = false;
                newY = lastY;
                ballDir = MIRROR_Y[ballDir];
            }
        } else if (newY == 9) {
            if (count(brickMap) == 0) {
                for (int y = 1; y <= 3; y++) {
                    java.util.Arrays.fill(brickMap[y], true);
                }
            }
            if (ballX == pos) {
                ballDir = MIRROR_Y[ballDir];
                newY = lastY;
            } else if (newX == pos) {
                ballDir = REVERSE[ballDir];
                newY = lastY;
            } else {
                terminal = true;
            }
        }
        if (!struckNow) {
            strike = false;
        }
        ballX = newX;
        ballY = newY;
        return reward;
    }

    @Override
    void draw(float[] obs, int offset) {
        mark(obs, offset, ballY, ballX, BALL);
        mark(obs, offset, 9, pos, PADDLE);
        mark(obs, offset, lastY, lastX, TRAIL);
        markMap(obs, offset, brickMap, BRICK);
    }

    @Override
    boolean hasSettableState() {
        return true;
    }

    @Override
    void writeState(ObjectNode s) {
        s.put("ball_x", ballX).put("ball_y", ballY).put("ball_dir", ballDir).put("pos", pos);
        s.set("brick_map", StateFields.gridJson(s, brickMap));
        s.put("strike", strike).put("last_x", lastX).put("last_y", lastY);
        s.put("terminal", terminal);
    }

    @Override
    void readState(StateFields s) {
        if (s.has("ball_x")) {
            ballX = s.integer("ball_x", 0, 9);
        }
        if (s.has("ball_y")) {
            ballY = s.integer("ball_y", 0, 9);
        }
        if (s.has("ball_dir")) {
            ballDir = s.integer("ball_dir", 0, 3);
        }
        if (s.has("pos")) {
            pos = s.integer("pos", 0, 9);
        }
        if (s.has("brick_map")) {
            boolean[][] grid = s.grid("brick_map");
            for (int y = 0; y < SIZE; y++) {
                System.arraycopy(grid[y], 0, brickMap[y], 0, SIZE);
            }
        }
        if (s.has("strike")) {
            strike = s.bool("strike");
        }
        if (s.has("last_x")) {
            lastX = s.integer("last_x", 0, 9);
        }
        if (s.has("last_y")) {
            lastY = s.integer("last_y", 0, 9);
        }
        if (s.has("terminal")) {
            terminal = s.bool("terminal");
        }
        if (ballY == 9 && ballDir >= 2 && !terminal) {
            throw new IllegalArgumentException(
                    "MinAtar/Breakout-v1 state field ball_dir must be 0 or 1 (upwards) when ball_y"
                            + " is 9: a ball on the bottom row moving down leaves the grid, which"
                            + " MinAtar cannot step either; got ball_dir "
                            + ballDir);
        }
    }
}
