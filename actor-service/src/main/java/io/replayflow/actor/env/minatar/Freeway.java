package io.replayflow.actor.env.minatar;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * MinAtar Freeway: a chicken in column 4 crosses eight lanes of cars from row 9 to row 0.
 *
 * <p>Rules (MinAtar's {@code freeway.py}), one frame per action:
 *
 * <ol>
 *   <li>{@code u}/{@code d} move the chicken one row when {@code move_timer} is 0, which then
 *       restarts at 3 (the chicken moves at most every 3 frames).
 *   <li>Reaching row 0: +1, the cars get new random speeds and directions, the chicken goes back to
 *       row 9.
 *   <li>Each car (lane y = 1..8) moves one column in its direction every |speed| frames (speed
 *       1..5), wrapping at the edges; a car on the chicken's cell, before or after its move, sends
 *       the chicken back to row 9.
 *   <li>The episode ends after 2500 frames.
 * </ol>
 *
 * <p>Channels: chicken, car, and five trail channels behind each car, one per speed. Random draws
 * (speeds, directions) use ReplayFlow's generator, not numpy's stream. Minimal actions: {@code n u
 * d}.
 */
final class Freeway extends MinAtarGame {
    private static final int CHICKEN = 0, CAR = 1, SPEED1 = 2;
    private static final int PLAYER_SPEED = 3, TIME_LIMIT = 2500, LANES = 8;

    private RandomGenerator random;
    int pos, moveTimer, terminateTimer;

    /** Per car: x, y (lane), frames until its next move, signed speed. */
    final int[][] cars = new int[LANES][4];

    @Override
    List<String> channels() {
        return List.of("chicken", "car", "speed1", "speed2", "speed3", "speed4", "speed5");
    }

    @Override
    int[] minimalActions() {
        return new int[] {NOOP, UP, DOWN};
    }

    @Override
    void reset(RandomGenerator random) {
        this.random = random;
        for (int i = 0; i < LANES; i++) {
            cars[i][0] = 0;
            cars[i][1] = i + 1;
        }
        randomizeCars();
        pos = 9;
        moveTimer = PLAYER_SPEED;
        terminateTimer = TIME_LIMIT;
        terminal = false;
    }

    private void randomizeCars() {
        for (int[] car : cars) {
            int speed = 1 + random.nextInt(5);
            car[3] = random.nextBoolean() ? speed : -speed;
            car[2] = speed;
        }
    }

    @Override
    float act(int action) {
        float reward = 0;
        if (action == UP && moveTimer == 0) {
            moveTimer = PLAYER_SPEED;
            pos = Math.max(0, pos - 1);
        } else if (action == DOWN && moveTimer == 0) {
            moveTimer = PLAYER_SPEED;
            pos = Math.min(9, pos + 1);
        }
        if (pos == 0) {
            reward += 1;
            randomizeCars();
            pos = 9;
        }
        for (int[] car : cars) {
            if (car[0] == 4 && car[1] == pos) {
                pos = 9;
            }
            if (car[2] == 0) {
                car[2] = Math.abs(car[3]);
                car[0] = Math.floorMod(car[0] + (car[3] > 0 ? 1 : -1), SIZE);
                if (car[0] == 4 && car[1] == pos) {
                    pos = 9;
                }
            } else {
                car[2] -= 1;
            }
        }
        moveTimer -= moveTimer > 0 ? 1 : 0;
        terminateTimer -= 1;
        if (terminateTimer < 0) {
            terminal = true;
        }
        return reward;
    }

    @Override
    void draw(float[] obs, int offset) {
        mark(obs, offset, pos, 4, CHICKEN);
        for (int[] car : cars) {
            mark(obs, offset, car[1], car[0], CAR);
            int backX = Math.floorMod(car[0] + (car[3] > 0 ? -1 : 1), SIZE);
            mark(obs, offset, car[1], backX, SPEED1 + Math.abs(car[3]) - 1);
        }
    }
}
