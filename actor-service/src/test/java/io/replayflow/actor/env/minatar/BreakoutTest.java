package io.replayflow.actor.env.minatar;

import static io.replayflow.actor.env.minatar.MinAtarTestSupport.defaultBricks;
import static io.replayflow.actor.env.minatar.MinAtarTestSupport.grid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Golden steps worked out by hand from MinAtar's {@code breakout.py}. Directions: 0 up-left, 1
 * up-right, 2 down-right, 3 down-left; channels paddle 0, ball 1, trail 2, brick 3; cells "y,x".
 */
@Timeout(30)
class BreakoutTest {
    private static final int N = 0, L = 1, R = 3;
    private static final int PADDLE = 0, BALL = 1, TRAIL = 2, BRICK = 3;

    private static MinAtarTestSupport game(String fields) {
        return new MinAtarTestSupport("MinAtar/Breakout-v1", "{" + fields + "}");
    }

    @Test
    void ballBouncesOffTheSideWall() {
        // Ball (x=1, y=5) going up-left, no bricks. Step 1: (0,4). Step 2: x would be -1, so x is
        // clamped to 0 and the direction mirrored left/right, 0 -> 1: ball (x=0, y=3), trail at
        // the previous cell (x=0, y=4).
        MinAtarTestSupport g =
                game("\"ball_x\":1,\"ball_y\":5,\"ball_dir\":0,\"brick_map\":" + grid());

        g.step(N);
        assertThat(g.cells(BALL)).containsExactly("4,0");
        assertThat(g.cells(TRAIL)).containsExactly("5,1");
        g.step(N);

        assertThat(g.cells(BALL)).containsExactly("3,0");
        assertThat(g.cells(TRAIL)).containsExactly("4,0");
        assertThat(g.state().get("ball_dir").asInt()).isEqualTo(1);
        assertThat(g.result.reward()).isZero();
        assertThat(g.result.terminated()).isFalse();
    }

    @Test
    void ballBouncesOffTheTopAndOffTheCorner() {
        // (x=6, y=0) going up-right: y would be -1, so y = 0 and 1 -> 2 (down-right): ball (7, 0).
        MinAtarTestSupport top =
                game("\"ball_x\":6,\"ball_y\":0,\"ball_dir\":1,\"brick_map\":" + grid());
        top.step(N);
        assertThat(top.cells(BALL)).containsExactly("0,7");
        assertThat(top.state().get("ball_dir").asInt()).isEqualTo(2);

        // Corner (x=0, y=0) going up-left: both mirrors, 0 -> 1 -> 2; the ball stays on (0, 0).
        MinAtarTestSupport corner =
                game("\"ball_x\":0,\"ball_y\":0,\"ball_dir\":0,\"brick_map\":" + grid());
        corner.step(N);
        assertThat(corner.cells(BALL)).containsExactly("0,0");
        assertThat(corner.state().get("ball_dir").asInt()).isEqualTo(2);
    }

    @Test
    void ballBreaksABrickAndBouncesBack() {
        // Bricks on rows 1-3. Ball (x=5, y=5) up-left: step 1 to (4, 4), row 4 is empty. Step 2
        // aims at (3, 3), a brick: +1, the brick goes, the ball keeps its old row 4 at x = 3 and
        // turns 0 -> 3 (down-left); strike is set. Step 3: (2, 5), no brick, strike clears.
        MinAtarTestSupport g =
                game("\"ball_x\":5,\"ball_y\":5,\"ball_dir\":0,\"brick_map\":" + defaultBricks());

        assertThat(g.step(N)).isZero();
        assertThat(g.step(N)).isEqualTo(1f);

        assertThat(g.cells(BALL)).containsExactly("4,3");
        assertThat(g.cells(BRICK)).hasSize(29).doesNotContain("3,3");
        assertThat(g.state().get("ball_dir").asInt()).isEqualTo(3);
        assertThat(g.state().get("strike").asBoolean()).isTrue();
        assertThat(g.step(N)).isZero();
        assertThat(g.cells(BALL)).containsExactly("5,2");
        assertThat(g.state().get("strike").asBoolean()).isFalse();
    }

    @Test
    void aSecondBrickOnTheNextFrameIsPassedThroughWithoutReward() {
        // As above, but with a brick at (x=2, y=5) too: step 3 enters it while strike is still
        // set, so no reward, the brick stays, the ball sits on it and strike stays set.
        MinAtarTestSupport g =
                game(
                        "\"ball_x\":4,\"ball_y\":4,\"ball_dir\":0,\"brick_map\":"
                                + grid("3,3", "5,2"));

        assertThat(g.step(N)).isEqualTo(1f);
        assertThat(g.step(N)).isZero();

        assertThat(g.cells(BALL)).containsExactly("5,2");
        assertThat(g.cells(BRICK)).containsExactly("5,2");
        assertThat(g.state().get("strike").asBoolean()).isTrue();
    }

    @Test
    void ballFromAboveThePaddleBouncesStraightBackUp() {
        // Ball (x=4, y=8) down-right, paddle at 4: it would land on (5, 9); it came from above
        // the paddle (ball_x == pos), so 2 -> 1 (up-right) and it keeps row 8: ball (5, 8).
        MinAtarTestSupport g =
                game(
                        "\"ball_x\":4,\"ball_y\":8,\"ball_dir\":2,\"pos\":4,\"brick_map\":"
                                + defaultBricks());

        g.step(N);

        assertThat(g.cells(BALL)).containsExactly("8,5");
        assertThat(g.cells(PADDLE)).containsExactly("9,4");
        assertThat(g.state().get("ball_dir").asInt()).isEqualTo(1);
        assertThat(g.result.terminated()).isFalse();
    }

    @Test
    void ballLandingOnThePaddleGoesBackTheWayItCame() {
        // Ball (x=3, y=8) down-right, paddle at 5 moved left to 4: it lands on (4, 9) = paddle,
        // not from above it, so 2 -> 0 (up-left), keeping row 8: ball (4, 8).
        MinAtarTestSupport g =
                game(
                        "\"ball_x\":3,\"ball_y\":8,\"ball_dir\":2,\"pos\":5,\"brick_map\":"
                                + defaultBricks());

        g.step(L);

        assertThat(g.cells(BALL)).containsExactly("8,4");
        assertThat(g.cells(PADDLE)).containsExactly("9,4");
        assertThat(g.state().get("ball_dir").asInt()).isEqualTo(0);
        assertThat(g.result.terminated()).isFalse();
    }

    @Test
    void ballMissingThePaddleEndsTheEpisode() {
        // Ball (x=1, y=8) down-right, paddle at 4 moved right to 5: the ball reaches (2, 9).
        MinAtarTestSupport g =
                game(
                        "\"ball_x\":1,\"ball_y\":8,\"ball_dir\":2,\"pos\":4,\"brick_map\":"
                                + defaultBricks());

        g.step(R);

        assertThat(g.result.terminated()).isTrue();
        assertThat(g.cells(BALL)).containsExactly("9,2");
        assertThatThrownBy(() -> g.step(N)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void clearedBricksAreRefilledWhenTheBallReachesTheBottomRow() {
        MinAtarTestSupport g =
                game("\"ball_x\":4,\"ball_y\":8,\"ball_dir\":2,\"pos\":4,\"brick_map\":" + grid());

        g.step(N);

        assertThat(g.cells(BRICK)).hasSize(30).contains("1,0", "3,9").doesNotContain("0,0");
    }

    @Test
    void resetStartsFromMinAtarsStartState() {
        MinAtarEnv env = MinAtar.make("MinAtar/Breakout-v1", MinAtarOptions.DEFAULTS);
        boolean[] seen = new boolean[2];
        for (long seed = 0; seed < 20; seed++) {
            float[] obs = env.reset(seed);
            MinAtarTestSupport g = new MinAtarTestSupport("MinAtar/Breakout-v1", "{}");
            System.arraycopy(obs, 0, g.obs, 0, obs.length);
            assertThat(g.cells(PADDLE)).containsExactly("9,4");
            assertThat(g.cells(BRICK)).hasSize(30);
            assertThat(g.cells(BALL)).containsAnyOf("3,0", "3,9").hasSize(1);
            seen[g.cells(BALL).get(0).equals("3,0") ? 0 : 1] = true;
        }
        assertThat(seen).containsExactly(true, true);
    }

    @Test
    void badStateNamesTheField() {
        assertThatThrownBy(() -> game("\"ball_x\":12"))
                .hasMessage(
                        "MinAtar/Breakout-v1 state field ball_x must be a whole number from 0 to"
                                + " 9; got 12");
        assertThatThrownBy(() -> game("\"brick_map\":[[1,0]]"))
                .hasMessageStartingWith(
                        "MinAtar/Breakout-v1 state field brick_map must be 10 rows");
        assertThatThrownBy(() -> game("\"ball_speed\":1"))
                .hasMessageStartingWith(
                        "MinAtar/Breakout-v1 state has no field \"ball_speed\"; its fields are"
                                + " [ball_x,");
        assertThatThrownBy(() -> game("\"ball_x\":"))
                .hasMessageContaining("state is not valid JSON");
    }
}
