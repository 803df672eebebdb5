package io.replayflow.actor.env.minatar;

import static io.replayflow.actor.env.minatar.MinAtarTestSupport.grid;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Golden steps worked out by hand from MinAtar's {@code space_invaders.py}. Channels: cannon 0,
 * alien 1, alien_left 2, alien_right 3, friendly_bullet 4, enemy_bullet 5; cells "y,x".
 */
@Timeout(30)
class SpaceInvadersTest {
    private static final int N = 0, F = 5;
    private static final int CANNON = 0, ALIEN = 1, ALIEN_LEFT = 2, ALIEN_RIGHT = 3;
    private static final int FRIENDLY = 4, ENEMY = 5;

    private static MinAtarTestSupport game(String fields) {
        return new MinAtarTestSupport("MinAtar/SpaceInvaders-v1", "{" + fields + "}");
    }

    @Test
    void theWaveMarchesOneColumnWhenItsTimerRunsOut() {
        // Fresh wave (rows 0-3, columns 2-7) heading left with alien_move_timer 0: column 0 is
        // empty, so it moves one column left (columns 1-6); the timer restarts at min(24 aliens,
        // 12) = 12 and counts down to 11 at the end of the frame.
        MinAtarTestSupport g = game("\"alien_move_timer\":0");

        g.step(N);

        assertThat(g.cells(ALIEN)).hasSize(24).contains("0,1", "3,6").doesNotContain("0,7");
        assertThat(g.cells(ALIEN_LEFT)).isEqualTo(g.cells(ALIEN));
        assertThat(g.cells(ALIEN_RIGHT)).isEmpty();
        assertThat(g.state().get("alien_move_timer").asInt()).isEqualTo(11);
    }

    @Test
    void theWaveStepsDownAndTurnsAtTheEdge() {
        // Aliens in columns 0-5 of rows 0-3 heading left, timer 0: column 0 is occupied, so the
        // direction flips to right and the wave moves down one row (rows 1-4).
        MinAtarTestSupport g =
                game(
                        "\"alien_move_timer\":0,\"alien_dir\":-1,\"alien_map\":"
                                + grid(wave(0, 3, 0, 5)));

        g.step(N);

        assertThat(g.cells(ALIEN)).containsExactly(wave(1, 4, 0, 5));
        assertThat(g.cells(ALIEN_RIGHT)).containsExactly(wave(1, 4, 0, 5));
        assertThat(g.cells(ALIEN_LEFT)).isEmpty();
        assertThat(g.state().get("alien_dir").asInt()).isEqualTo(1);
        assertThat(g.result.terminated()).isFalse();
    }

    @Test
    void aShotRisesAndKillsTheAlienItReaches() {
        // One alien at (y=7, x=5) above the cannon at 5; its timers far off. Frame 1: fire puts a
        // bullet on (9, 5), which rises to (8, 5); shot_timer 5 -> 4. Frame 2: the bullet rises to
        // (7, 5), the alien's cell: +1, both go; the wave is cleared, so a new one appears (rows
        // 0-3, columns 2-7) and ramping lowers enemy_move_interval 12 -> 11.
        MinAtarTestSupport g =
                game(
                        "\"alien_map\":"
                                + grid("7,5")
                                + ",\"alien_move_timer\":50,\"alien_shot_timer\":50");

        assertThat(g.step(F)).isZero();
        assertThat(g.cells(FRIENDLY)).containsExactly("8,5");
        assertThat(g.state().get("shot_timer").asInt()).isEqualTo(4);

        assertThat(g.step(N)).isEqualTo(1f);
        assertThat(g.cells(FRIENDLY)).isEmpty();
        assertThat(g.cells(ALIEN)).containsExactly(wave(0, 3, 2, 7));
        assertThat(g.state().get("enemy_move_interval").asInt()).isEqualTo(11);
        assertThat(g.state().get("ramp_index").asInt()).isEqualTo(1);
    }

    @Test
    void fireDuringTheCoolDownDoesNothing() {
        MinAtarTestSupport g = game("\"shot_timer\":3");

        g.step(F);

        assertThat(g.cells(FRIENDLY)).isEmpty();
        assertThat(g.cells(CANNON)).containsExactly("9,5");
        assertThat(g.state().get("shot_timer").asInt()).isEqualTo(2);
    }

    @Test
    void theLowestAlienOfTheNearestColumnShoots() {
        // Fresh wave, cannon at 0, alien_shot_timer 0: the nearest non-empty column to 0 is 2;
        // its lowest alien is on row 3, so an enemy bullet appears at (3, 2). Next frame it falls
        // to (4, 2).
        MinAtarTestSupport g = game("\"pos\":0,\"alien_shot_timer\":0");

        g.step(N);
        assertThat(g.cells(ENEMY)).containsExactly("3,2");
        assertThat(g.state().get("alien_shot_timer").asInt()).isEqualTo(9);
        g.step(N);
        assertThat(g.cells(ENEMY)).containsExactly("4,2");
    }

    @Test
    void anEnemyBulletReachingTheCannonEndsTheEpisode() {
        MinAtarTestSupport g = game("\"e_bullet_map\":" + grid("8,5"));

        g.step(N);

        assertThat(g.result.terminated()).isTrue();
        assertThat(g.cells(ENEMY)).containsExactly("9,5");
    }

    /** The "y,x" cells of rows y0..y1 and columns x0..x1, row by row. */
    private static String[] wave(int y0, int y1, int x0, int x1) {
        java.util.List<String> cells = new java.util.ArrayList<>();
        for (int y = y0; y <= y1; y++) {
            for (int x = x0; x <= x1; x++) {
                cells.add(y + "," + x);
            }
        }
        return cells.toArray(String[]::new);
    }
}
