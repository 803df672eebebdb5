package io.replayflow.actor.env.minatar;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * MinAtar Seaquest: a two-cell submarine shoots fish and enemy subs, rescues divers and surfaces
 * for oxygen.
 *
 * <p>Rules (MinAtar's {@code seaquest.py}), one frame per action, in this order: enemy and diver
 * spawns when their timers are 0 (an enemy in a random row 1..8 from a random side, a sub with p =
 * 1/3, skipped when its row holds an enemy going the other way; a diver likewise, every 30 frames);
 * the action ({@code f} fires from the sub's front when {@code shot_timer} is 0, {@code l}/{@code
 * r} move and turn, {@code u}/{@code d} move within rows 0..8); friendly bullets move and kill the
 * first fish, else sub, on their cell (+1); divers move every 5 frames and are picked up (up to 6)
 * on contact; enemy subs move every {@code move_speed} frames, die on a bullet (+1), end the
 * episode on contact and fire every 10 frames (even on the frame they leave or die, as in MinAtar);
 * enemy bullets move one cell per frame; fish move like subs. Oxygen drops by 1 per frame below the
 * surface and its running out ends the episode; reaching row 0 with no diver ends it, with 6 divers
 * gives oxygen·10/200 (integer division) and leaves {@code diver_count} at -1 as MinAtar does,
 * otherwise removes one diver; every surfacing refills oxygen and, with ramping, speeds up spawning
 * and (on odd ramp steps) movement.
 *
 * <p>Random draws use ReplayFlow's generator, not numpy's stream. Minimal actions: all six.
 */
final class Seaquest extends MinAtarGame {
    private static final int SUB_FRONT = 0, SUB_BACK = 1, FRIENDLY_BULLET = 2, TRAIL = 3;
    private static final int ENEMY_BULLET = 4, ENEMY_FISH = 5, ENEMY_SUB = 6;
    private static final int OXYGEN_GAUGE = 7, DIVER_GAUGE = 8, DIVER = 9;
    private static final int MAX_OXYGEN = 200, INIT_SPAWN_SPEED = 20, DIVER_SPAWN_SPEED = 30;
    private static final int INIT_MOVE_INTERVAL = 5, SHOT_COOL_DOWN = 5;
    private static final int ENEMY_SHOT_INTERVAL = 10, DIVER_MOVE_INTERVAL = 5;
    // Entity fields: bullets {x, y, right}; fish and divers {x, y, right, move timer};
    // subs {x, y, right, move timer, shot timer}. right is 1 or 0.
    private static final int X = 0, Y = 1, RIGHT_DIR = 2, MOVE = 3, SHOT = 4;

    private final boolean ramping;
    private RandomGenerator random;
    int oxygen, diverCount, subX, subY, eSpawnSpeed, eSpawnTimer, dSpawnTimer, moveSpeed;
    int rampIndex, shotTimer;
    boolean subRight, surface;
    final List<int[]> fBullets = new ArrayList<>();
    final List<int[]> eBullets = new ArrayList<>();
    final List<int[]> eFish = new ArrayList<>();
    final List<int[]> eSubs = new ArrayList<>();
    final List<int[]> divers = new ArrayList<>();

    Seaquest(boolean ramping) {
        this.ramping = ramping;
    }

    @Override
    List<String> channels() {
        return List.of(
                "sub_front",
                "sub_back",
                "friendly_bullet",
                "trail",
                "enemy_bullet",
                "enemy_fish",
                "enemy_sub",
                "oxygen_guage",
                "diver_guage",
                "diver");
    }

    @Override
    int[] minimalActions() {
        return new int[] {NOOP, LEFT, UP, RIGHT, DOWN, FIRE};
    }

    @Override
    void reset(RandomGenerator random) {
        this.random = random;
        oxygen = MAX_OXYGEN;
        diverCount = 0;
        subX = 5;
        subY = 0;
        subRight = false;
        fBullets.clear();
        eBullets.clear();
        eFish.clear();
        eSubs.clear();
        divers.clear();
        eSpawnSpeed = INIT_SPAWN_SPEED;
        eSpawnTimer = eSpawnSpeed;
        dSpawnTimer = DIVER_SPAWN_SPEED;
        moveSpeed = INIT_MOVE_INTERVAL;
        rampIndex = 0;
        shotTimer = 0;
        surface = true;
        terminal = false;
    }

    @Override
    float act(int action) {
        float reward = 0;
        if (eSpawnTimer == 0) {
            spawnEnemy();
            eSpawnTimer = eSpawnSpeed;
        }
        if (dSpawnTimer == 0) {
            spawnDiver();
            dSpawnTimer = DIVER_SPAWN_SPEED;
        }
        if (action == FIRE && shotTimer == 0) {
            fBullets.add(new int[] {subX, subY, subRight ? 1 : 0});
            shotTimer = SHOT_COOL_DOWN;
        } else if (action == LEFT) {
            subX = Math.max(0, subX - 1);
            subRight = false;
        } else if (action == RIGHT) {
            subX = Math.min(9, subX + 1);
            subRight = true;
        } else if (action == UP) {
            subY = Math.max(0, subY - 1);
        } else if (action == DOWN) {
            subY = Math.min(8, subY + 1);
        }
        reward += moveFriendlyBullets();
        moveDivers();
        reward += moveEnemies(eSubs, true);
        moveEnemyBullets();
        reward += moveEnemies(eFish, false);
        eSpawnTimer -= eSpawnTimer > 0 ? 1 : 0;
        dSpawnTimer -= dSpawnTimer > 0 ? 1 : 0;
        shotTimer -= shotTimer > 0 ? 1 : 0;
        if (oxygen <= 0) {
            terminal = true;
        }
        if (subY > 0) {
            oxygen -= 1;
            surface = false;
        } else if (!surface) {
            if (diverCount == 0) {
                terminal = true;
            } else {
                reward += surface();
            }
        }
        return reward;
    }

    private float moveFriendlyBullets() {
        float reward = 0;
        for (int i = fBullets.size() - 1; i >= 0; i--) {
            int[] bullet = fBullets.get(i);
            bullet[X] += bullet[RIGHT_DIR] == 1 ? 1 : -1;
            if (bullet[X] < 0 || bullet[X] > 9) {
                fBullets.remove(i);
            } else if (removeAt(eFish, bullet[X], bullet[Y])
                    || removeAt(eSubs, bullet[X], bullet[Y])) {
                fBullets.remove(i);
                reward += 1;
            }
        }
        return reward;
    }

    private void moveDivers() {
        for (int i = divers.size() - 1; i >= 0; i--) {
            int[] diver = divers.get(i);
            if (at(diver, subX, subY) && diverCount < 6) {
                divers.remove(i);
                diverCount += 1;
            } else if (diver[MOVE] == 0) {
                diver[MOVE] = DIVER_MOVE_INTERVAL;
                diver[X] += diver[RIGHT_DIR] == 1 ? 1 : -1;
                if (diver[X] < 0 || diver[X] > 9) {
                    divers.remove(i);
                } else if (at(diver, subX, subY) && diverCount < 6) {
                    divers.remove(i);
                    diverCount += 1;
                }
            } else {
                diver[MOVE] -= 1;
            }
        }
    }

    /** Fish or subs: contact ends the episode, a friendly bullet kills (+1), subs also fire. */
    private float moveEnemies(List<int[]> enemies, boolean subs) {
        float reward = 0;
        for (int i = enemies.size() - 1; i >= 0; i--) {
            int[] enemy = enemies.get(i);
            if (at(enemy, subX, subY)) {
                terminal = true;
            }
            if (enemy[MOVE] == 0) {
                enemy[MOVE] = moveSpeed;
                enemy[X] += enemy[RIGHT_DIR] == 1 ? 1 : -1;
                if (enemy[X] < 0 || enemy[X] > 9) {
                    enemies.remove(i);
                } else if (at(enemy, subX, subY)) {
                    terminal = true;
                } else if (removeAt(fBullets, enemy[X], enemy[Y])) {
                    enemies.remove(i);
                    reward += 1;
                }
            } else {
                enemy[MOVE] -= 1;
            }
            if (subs) {
                if (enemy[SHOT] == 0) {
                    enemy[SHOT] = ENEMY_SHOT_INTERVAL;
                    eBullets.add(new int[] {enemy[X], enemy[Y], enemy[RIGHT_DIR]});
                } else {
                    enemy[SHOT] -= 1;
                }
            }
        }
        return reward;
    }

    private void moveEnemyBullets() {
        for (int i = eBullets.size() - 1; i >= 0; i--) {
            int[] bullet = eBullets.get(i);
            if (at(bullet, subX, subY)) {
                terminal = true;
            }
            bullet[X] += bullet[RIGHT_DIR] == 1 ? 1 : -1;
            if (bullet[X] < 0 || bullet[X] > 9) {
                eBullets.remove(i);
            } else if (at(bullet, subX, subY)) {
                terminal = true;
            }
        }
    }

    private float surface() {
        surface = true;
        float reward = 0;
        if (diverCount == 6) {
            diverCount = 0;
            reward = oxygen * 10 / MAX_OXYGEN;
        }
        oxygen = MAX_OXYGEN;
        diverCount -= 1;
        if (ramping && (eSpawnSpeed > 1 || moveSpeed > 2)) {
            if (moveSpeed > 2 && rampIndex % 2 == 1) {
                moveSpeed -= 1;
            }
            if (eSpawnSpeed > 1) {
                eSpawnSpeed -= 1;
            }
            rampIndex += 1;
        }
        return reward;
    }

    private void spawnEnemy() {
        boolean right = random.nextDouble() < 0.5;
        boolean isSub = random.nextDouble() < 1.0 / 3;
        int y = 1 + random.nextInt(8);
        int dir = right ? 1 : 0;
        for (List<int[]> group : List.of(eSubs, eFish)) {
            for (int[] e : group) {
                if (e[Y] == y && e[RIGHT_DIR] != dir) {
                    return;
                }
            }
        }
        int x = right ? 0 : 9;
        if (isSub) {
            eSubs.add(new int[] {x, y, dir, moveSpeed, ENEMY_SHOT_INTERVAL});
        } else {
            eFish.add(new int[] {x, y, dir, moveSpeed});
        }
    }

    private void spawnDiver() {
        boolean right = random.nextDouble() < 0.5;
        int y = 1 + random.nextInt(8);
        divers.add(new int[] {right ? 0 : 9, y, right ? 1 : 0, DIVER_MOVE_INTERVAL});
    }

    private static boolean at(int[] entity, int x, int y) {
        return entity[X] == x && entity[Y] == y;
    }

    /** Removes the first entity on (x, y); whether there was one. */
    private static boolean removeAt(List<int[]> entities, int x, int y) {
        for (int i = 0; i < entities.size(); i++) {
            if (at(entities.get(i), x, y)) {
                entities.remove(i);
                return true;
            }
        }
        return false;
    }

    @Override
    void draw(float[] obs, int offset) {
        mark(obs, offset, subY, subX, SUB_FRONT);
        // numpy wraps index -1 to 9; MinAtar's moves never put the back outside the grid otherwise
        mark(obs, offset, subY, Math.floorMod(subX + (subRight ? -1 : 1), SIZE), SUB_BACK);
        for (int x = 0; x < Math.max(0, oxygen) * 10 / MAX_OXYGEN; x++) {
            mark(obs, offset, 9, x, OXYGEN_GAUGE);
        }
        for (int x = Math.max(0, 9 - diverCount); x < 9; x++) {
            mark(obs, offset, 9, x, DIVER_GAUGE);
        }
        fBullets.forEach(b -> mark(obs, offset, b[Y], b[X], FRIENDLY_BULLET));
        eBullets.forEach(b -> mark(obs, offset, b[Y], b[X], ENEMY_BULLET));
        drawMovers(obs, offset, eFish, ENEMY_FISH);
        drawMovers(obs, offset, eSubs, ENEMY_SUB);
        drawMovers(obs, offset, divers, DIVER);
    }

    private void drawMovers(float[] obs, int offset, List<int[]> movers, int channel) {
        for (int[] m : movers) {
            mark(obs, offset, m[Y], m[X], channel);
            int backX = m[X] + (m[RIGHT_DIR] == 1 ? -1 : 1);
            if (backX >= 0 && backX <= 9) {
                mark(obs, offset, m[Y], backX, TRAIL);
            }
        }
    }
}
