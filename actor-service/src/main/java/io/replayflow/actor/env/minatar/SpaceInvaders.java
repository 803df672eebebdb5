package io.replayflow.actor.env.minatar;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * MinAtar Space Invaders: a cannon on the bottom row shoots at a wave of aliens that marches
 * sideways, steps down at the edges and shoots back.
 *
 * <p>Rules (MinAtar's {@code space_invaders.py}), one frame per action, in this order:
 *
 * <ol>
 *   <li>{@code f} with {@code shot_timer} 0 puts a bullet on (9, pos) and sets {@code shot_timer} =
 *       5; otherwise {@code l}/{@code r} move the cannon within 0..9.
 *   <li>Friendly bullets move up one row (row 0 leaves the grid); enemy bullets move down one row
 *       (row 9 leaves); an enemy bullet on (9, pos) ends the episode.
 *   <li>An alien on (9, pos) ends the episode. When {@code alien_move_timer} is 0 it restarts at
 *       min(aliens left, {@code enemy_move_interval}) and the wave moves: if an alien is in the
 *       edge column it is heading to, the direction flips and the wave moves down one row (rows
 *       roll: row 9 comes back as row 0, and an alien on row 9 ends the episode), else it moves one
 *       column in {@code alien_dir}; an alien then on (9, pos) ends the episode.
 *   <li>When {@code alien_shot_timer} is 0 it restarts at 10 and the lowest alien of the column
 *       nearest the cannon (ties: the left column) fires from its own cell.
 *   <li>Each cell holding an alien and a friendly bullet: +1, both go.
 *   <li>{@code shot_timer} counts down to 0; both alien timers count down by 1. A cleared wave is
 *       replaced by a new one (rows 0–3, columns 2–7) and, with difficulty ramping on, {@code
 *       enemy_move_interval} drops by 1 while above 6.
 * </ol>
 *
 * <p>No randomness: deterministic given the state. Minimal actions: {@code n l r f}.
 */
final class SpaceInvaders extends MinAtarGame {
    private static final int CANNON = 0, ALIEN = 1, ALIEN_LEFT = 2, ALIEN_RIGHT = 3;
    private static final int FRIENDLY_BULLET = 4, ENEMY_BULLET = 5;
    private static final int SHOT_COOL_DOWN = 5, ENEMY_MOVE_INTERVAL = 12, ENEMY_SHOT_INTERVAL = 10;

    private final boolean ramping;
    int pos, alienDir, enemyMoveInterval, alienMoveTimer, alienShotTimer, rampIndex, shotTimer;
    boolean[][] fBulletMap = new boolean[SIZE][SIZE];
    boolean[][] eBulletMap = new boolean[SIZE][SIZE];
    boolean[][] alienMap = new boolean[SIZE][SIZE];

    SpaceInvaders(boolean ramping) {
        this.ramping = ramping;
    }

    @Override
    List<String> channels() {
        return List.of(
                "cannon", "alien", "alien_left", "alien_right", "friendly_bullet", "enemy_bullet");
    }

    @Override
    int[] minimalActions() {
        return new int[] {NOOP, LEFT, RIGHT, FIRE};
    }

    @Override
    void reset(RandomGenerator random) {
        pos = 5;
        clear(fBulletMap);
        clear(eBulletMap);
        newWave();
        alienDir = -1;
        enemyMoveInterval = ENEMY_MOVE_INTERVAL;
        alienMoveTimer = enemyMoveInterval;
        alienShotTimer = ENEMY_SHOT_INTERVAL;
        rampIndex = 0;
        shotTimer = 0;
        terminal = false;
    }

    @Override
    float act(int action) {
        if (action == FIRE && shotTimer == 0) {
            fBulletMap[9][pos] = true;
            shotTimer = SHOT_COOL_DOWN;
        } else if (action == LEFT) {
            pos = Math.max(0, pos - 1);
        } else if (action == RIGHT) {
            pos = Math.min(9, pos + 1);
        }
        fBulletMap = rollRows(fBulletMap, -1);
        Arrays.fill(fBulletMap[9], false);
        eBulletMap = rollRows(eBulletMap, 1);
        Arrays.fill(eBulletMap[0], false);
        if (eBulletMap[9][pos]) {
            terminal = true;
        }
        moveAliens();
        if (alienShotTimer == 0) {
            alienShotTimer = ENEMY_SHOT_INTERVAL;
            alienShoots();
        }
        float reward = 0;
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                if (alienMap[y][x] && fBulletMap[y][x]) {
                    reward += 1;
                    alienMap[y][x] = false;
                    fBulletMap[y][x] = false;
                }
            }
        }
        shotTimer -= shotTimer > 0 ? 1 : 0;
        alienMoveTimer -= 1;
        alienShotTimer -= 1;
        if (count(alienMap) == 0) {
            if (enemyMoveInterval > 6 && ramping) {
                enemyMoveInterval -= 1;
                rampIndex += 1;
            }
            newWave();
        }
        return reward;
    }

    private void moveAliens() {
        if (alienMap[9][pos]) {
            terminal = true;
        }
        if (alienMoveTimer != 0) {
            return;
        }
        alienMoveTimer = Math.min(count(alienMap), enemyMoveInterval);
        if ((anyInColumn(alienMap, 0) && alienDir < 0)
                || (anyInColumn(alienMap, 9) && alienDir > 0)) {
            alienDir = -alienDir;
            if (anyInRow(alienMap, 9)) {
                terminal = true;
            }
            alienMap = rollRows(alienMap, 1);
        } else {
            alienMap = rollColumns(alienMap, alienDir);
        }
        if (alienMap[9][pos]) {
            terminal = true;
        }
    }

    /**
     * The lowest alien of the column nearest the cannon fires; MinAtar's {@code _nearest_alien}.
     */
    private void alienShoots() {
        // Columns by distance from pos; a stable sort keeps the left column first on ties.
        for (int d = 0; d < SIZE; d++) {
            for (int x : d == 0 ? new int[] {pos} : new int[] {pos - d, pos + d}) {
                if (x < 0 || x > 9) {
                    continue;
                }
                for (int y = SIZE - 1; y >= 0; y--) {
                    if (alienMap[y][x]) {
                        eBulletMap[y][x] = true;
                        return;
                    }
                }
            }
        }
        // No alien at all (only reachable from a set state): MinAtar would fail here; skip.
    }

    private void newWave() {
        clear(alienMap);
        for (int y = 0; y < 4; y++) {
            for (int x = 2; x < 8; x++) {
                alienMap[y][x] = true;
            }
        }
    }

    /** numpy's {@code roll} along rows: row y moves to y + shift, wrapping around. */
    private static boolean[][] rollRows(boolean[][] map, int shift) {
        boolean[][] out = new boolean[SIZE][];
        for (int y = 0; y < SIZE; y++) {
            out[Math.floorMod(y + shift, SIZE)] = map[y];
        }
        return out;
    }

    /** numpy's {@code roll} along columns: column x moves to x + shift, wrapping around. */
    private static boolean[][] rollColumns(boolean[][] map, int shift) {
        boolean[][] out = new boolean[SIZE][SIZE];
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                out[y][Math.floorMod(x + shift, SIZE)] = map[y][x];
            }
        }
        return out;
    }

    private static void clear(boolean[][] map) {
        for (boolean[] row : map) {
            Arrays.fill(row, false);
        }
    }

    @Override
    void draw(float[] obs, int offset) {
        mark(obs, offset, 9, pos, CANNON);
        markMap(obs, offset, alienMap, ALIEN);
        markMap(obs, offset, alienMap, alienDir < 0 ? ALIEN_LEFT : ALIEN_RIGHT);
        markMap(obs, offset, fBulletMap, FRIENDLY_BULLET);
        markMap(obs, offset, eBulletMap, ENEMY_BULLET);
    }

    @Override
    boolean hasSettableState() {
        return true;
    }

    @Override
    void writeState(ObjectNode s) {
        s.put("pos", pos);
        s.set("f_bullet_map", StateFields.gridJson(s, fBulletMap));
        s.set("e_bullet_map", StateFields.gridJson(s, eBulletMap));
        s.set("alien_map", StateFields.gridJson(s, alienMap));
        s.put("alien_dir", alienDir)
                .put("enemy_move_interval", enemyMoveInterval)
                .put("alien_move_timer", alienMoveTimer)
                .put("alien_shot_timer", alienShotTimer)
                .put("ramp_index", rampIndex)
                .put("shot_timer", shotTimer)
                .put("terminal", terminal);
    }

    @Override
    void readState(StateFields s) {
        if (s.has("pos")) {
            pos = s.integer("pos", 0, 9);
        }
        if (s.has("f_bullet_map")) {
            fBulletMap = s.grid("f_bullet_map");
        }
        if (s.has("e_bullet_map")) {
            eBulletMap = s.grid("e_bullet_map");
        }
        if (s.has("alien_map")) {
            alienMap = s.grid("alien_map");
        }
        if (s.has("alien_dir")) {
            alienDir = s.oneOf("alien_dir", -1, 1);
        }
        if (s.has("enemy_move_interval")) {
            enemyMoveInterval = s.integer("enemy_move_interval", 1, ENEMY_MOVE_INTERVAL);
        }
        if (s.has("alien_move_timer")) {
            alienMoveTimer = s.integer("alien_move_timer", 0, 1000);
        }
        if (s.has("alien_shot_timer")) {
            alienShotTimer = s.integer("alien_shot_timer", 0, 1000);
        }
        if (s.has("ramp_index")) {
            rampIndex = s.integer("ramp_index", 0, Integer.MAX_VALUE);
        }
        if (s.has("shot_timer")) {
            shotTimer = s.integer("shot_timer", 0, SHOT_COOL_DOWN);
        }
        if (s.has("terminal")) {
            terminal = s.bool("terminal");
        }
    }
}
