package io.replayflow.actor.env.minatar;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * MinAtar Asterix: the player moves in four directions while enemies and gold cross the screen on
 * rows 1..8.
 *
 * <p>Rules (MinAtar's {@code asterix.py}), one frame per action:
 *
 * <ol>
 *   <li>When {@code spawn_timer} is 0, an entity spawns in a random free row slot (none if all
 *       eight are taken) at the left edge moving right or the right edge moving left (p = 1/2),
 *       gold with p = 1/3, else an enemy; the timer restarts at {@code spawn_speed}.
 *   <li>{@code l r u d} move the player (x within 0..9, y within 1..8).
 *   <li>An entity on the player's cell: gold gives +1 and goes, an enemy ends the episode. When
 *       {@code move_timer} is 0 it restarts at {@code move_speed} and every entity moves one column
 *       (leaving at the edges), then the same contact rule applies.
 *   <li>Both timers count down. With ramping, every 101 frames (while spawn or move speed is above
 *       1) the spawn interval drops by 1 and, on odd ramp steps, the move interval too.
 * </ol>
 *
 * <p>Random draws use ReplayFlow's generator, not numpy's stream. Minimal actions: {@code n l u r
 * d}.
 */
final class Asterix extends MinAtarGame {
    private static final int PLAYER = 0, ENEMY = 1, TRAIL = 2, GOLD = 3;
    private static final int RAMP_INTERVAL = 100, INIT_SPAWN_SPEED = 10, INIT_MOVE_INTERVAL = 5;
    private static final int SLOTS = 8;

    private final boolean ramping;
    private RandomGenerator random;
    int playerX, playerY, spawnSpeed, spawnTimer, moveSpeed, moveTimer, rampTimer, rampIndex;

    /** Per row slot (row = slot + 1): present, x, moving right, gold. */
    final boolean[] present = new boolean[SLOTS];

    final int[] entityX = new int[SLOTS];
    final boolean[] movingRight = new boolean[SLOTS];
    final boolean[] gold = new boolean[SLOTS];

    Asterix(boolean ramping) {
        this.ramping = ramping;
    }

    @Override
    List<String> channels() {
        return List.of("player", "enemy", "trail", "gold");
    }

    @Override
    int[] minimalActions() {
        return new int[] {NOOP, LEFT, UP, RIGHT, DOWN};
    }

    @Override
    void reset(RandomGenerator random) {
        this.random = random;
        playerX = 5;
        playerY = 5;
        java.util.Arrays.fill(present, false);
        spawnSpeed = INIT_SPAWN_SPEED;
        spawnTimer = spawnSpeed;
        moveSpeed = INIT_MOVE_INTERVAL;
        moveTimer = moveSpeed;
        rampTimer = RAMP_INTERVAL;
        rampIndex = 0;
        terminal = false;
    }

    @Override
    float act(int action) {
        if (spawnTimer == 0) {
            spawn();
            spawnTimer = spawnSpeed;
        }
        switch (action) {
            case LEFT -> playerX = Math.max(0, playerX - 1);
            case RIGHT -> playerX = Math.min(9, playerX + 1);
            case UP -> playerY = Math.max(1, playerY - 1);
            case DOWN -> playerY = Math.min(8, playerY + 1);
            default -> {}
        }
        float reward = contact();
        if (moveTimer == 0) {
            moveTimer = moveSpeed;
            for (int i = 0; i < SLOTS; i++) {
                if (present[i]) {
                    entityX[i] += movingRight[i] ? 1 : -1;
                    if (entityX[i] < 0 || entityX[i] > 9) {
                        present[i] = false;
                    }
                }
            }
            reward += contact();
        }
        spawnTimer -= 1;
        moveTimer -= 1;
        ramp();
        return reward;
    }

    /** Gold on the player's cell is collected (+1); an enemy there ends the episode. */
    private float contact() {
        float reward = 0;
        for (int i = 0; i < SLOTS; i++) {
            if (present[i] && entityX[i] == playerX && i + 1 == playerY) {
                if (gold[i]) {
                    present[i] = false;
                    reward += 1;
                } else {
                    terminal = true;
                }
            }
        }
        return reward;
    }

    private void spawn() {
        boolean right = random.nextDouble() < 0.5;
        boolean isGold = random.nextDouble() < 1.0 / 3;
        int free = 0;
        for (boolean p : present) {
            free += p ? 0 : 1;
        }
        if (free == 0) {
            return;
        }
        int pick = random.nextInt(free);
        for (int i = 0; i < SLOTS; i++) {
            if (!present[i] && pick-- == 0) {
                present[i] = true;
                entityX[i] = right ? 0 : 9;
                movingRight[i] = right;
                gold[i] = isGold;
                return;
            }
        }
    }

    private void ramp() {
        if (!ramping || (spawnSpeed <= 1 && moveSpeed <= 1)) {
            return;
        }
        if (rampTimer >= 0) {
            rampTimer -= 1;
            return;
        }
        if (moveSpeed > 1 && rampIndex % 2 == 1) {
            moveSpeed -= 1;
        }
        if (spawnSpeed > 1) {
            spawnSpeed -= 1;
        }
        rampIndex += 1;
        rampTimer = RAMP_INTERVAL;
    }

    @Override
    void draw(float[] obs, int offset) {
        mark(obs, offset, playerY, playerX, PLAYER);
        for (int i = 0; i < SLOTS; i++) {
            if (present[i]) {
                mark(obs, offset, i + 1, entityX[i], gold[i] ? GOLD : ENEMY);
                int backX = entityX[i] + (movingRight[i] ? -1 : 1);
                if (backX >= 0 && backX <= 9) {
                    mark(obs, offset, i + 1, backX, TRAIL);
                }
            }
        }
    }
}
