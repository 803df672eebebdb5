package io.replayflow.cli.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replayflow.cli.lifecycle.CanaryRules.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class CanaryRulesTest {
    private final CanaryRules rules =
            new CanaryRules(10.0, 5.0, CanaryRules.Z95_ONE_SIDED, 200, 30);

    @Test
    void theGateComparesTheOpeLowerBoundWithTheChampionsEstimateMinusTheMargin() {
        // 185 − 10 = 175: a lower bound of 175 passes, 174.9 does not.
        assertThat(rules.gate(2, 175.0, 1, 185.0).verdict()).isEqualTo(Verdict.PROMOTE);
        assertThat(rules.gate(2, 174.9, 1, 185.0).verdict()).isEqualTo(Verdict.WAIT);
        assertThat(rules.gate(2, 174.9, 1, 185.0).reason())
                .isEqualTo(
                        "v2's OPE lower bound 174.9 is below v1's estimate 185.0 minus margin"
                                + " 10.0");
    }

    @Test
    void aClearlyWorseCanaryIsRolledBackOnceBothSidesHaveEnoughEpisodes() {
        // canary 30 episodes, mean 20, sd √29 → se = √29·√(1/29) = 1; champion 401 episodes,
        // mean 200, sd 20 → se = 20/√400 = 1. d = −180, se_d = √2, d + 1.645·√2 = −177.7 < 0.
        LiveReturn canary = new LiveReturn(30, 20, Math.sqrt(29));
        LiveReturn champion = new LiveReturn(401, 200, 20);
        assertThat(rules.judge(2, canary, 1, champion).verdict()).isEqualTo(Verdict.ROLL_BACK);
        assertThat(rules.judge(2, new LiveReturn(29, 20, 5), 1, champion).verdict())
                .as("29 episodes are too few")
                .isEqualTo(Verdict.WAIT);
    }

    @Test
    void aCanaryAsGoodWithConfidenceIsPromotedAfterNEpisodes() {
        // Both se = 1 (201 episodes, sd √200): d = 1, 1 − 1.645·√2 = −1.33 ≥ −5 → promote.
        LiveReturn champion = new LiveReturn(201, 200, Math.sqrt(200));
        assertThat(rules.judge(2, new LiveReturn(201, 201, Math.sqrt(200)), 1, champion).verdict())
                .isEqualTo(Verdict.PROMOTE);
        // d = −1 (slightly worse, not with confidence): wait.
        assertThat(rules.judge(2, new LiveReturn(201, 199, Math.sqrt(200)), 1, champion).verdict())
                .isEqualTo(Verdict.WAIT);
        // 100 episodes (se = √(200/99) ≈ 1.42): even a better mean waits for N = 200.
        assertThat(rules.judge(2, new LiveReturn(100, 210, Math.sqrt(200)), 1, champion).verdict())
                .isEqualTo(Verdict.WAIT);
        // Very noisy canary (se = 4): d = 1, 1 − 1.645·√17 = −5.78 < −5 → wait.
        assertThat(
                        rules.judge(2, new LiveReturn(201, 201, 4 * Math.sqrt(200)), 1, champion)
                                .verdict())
                .isEqualTo(Verdict.WAIT);
    }

    @Test
    void aCanaryBetterWithConfidenceIsPromotedEarlyAfterTheEarlyMinimum() {
        // N = 200, rollback at 30, early promotion from 5 episodes a side.
        CanaryRules early = new CanaryRules(10.0, 5.0, CanaryRules.Z95_ONE_SIDED, 200, 30, 5);
        // canary 5 episodes, mean 150, sd 20 → se = 20/√4 = 10; champion 40 episodes, mean 20,
        // sd √39 → se = √39/√39 = 1. d = 130, se_d = √101 ≈ 10.05, 130 − 1.645·10.05 = 113.5 > 0.
        LiveReturn champion = new LiveReturn(40, 20, Math.sqrt(39));
        CanaryRules.Decision d = early.judge(2, new LiveReturn(5, 150, 20), 1, champion);
        assertThat(d.verdict()).isEqualTo(Verdict.PROMOTE);
        assertThat(d.reason())
                .startsWith(
                        "better with confidence after 5 episodes a side (at least 5 for an early"
                                + " promotion): canary v2 150.0 over 5 episodes vs champion v1"
                                + " 20.0 over 40");
        // The same canary with 4 episodes is below the early minimum: wait.
        assertThat(early.judge(2, new LiveReturn(4, 150, 20), 1, champion).verdict())
                .isEqualTo(Verdict.WAIT);
        // Without the early rule (the five-argument rules) it waits for N = 200 as well.
        assertThat(rules.judge(2, new LiveReturn(5, 150, 20), 1, champion).verdict())
                .isEqualTo(Verdict.WAIT);
    }

    @Test
    void anEarlyPromotionNeedsTheAdvantagesLowerBoundAboveZeroAndNeverRollsBackEarly() {
        CanaryRules early = new CanaryRules(10.0, 5.0, CanaryRules.Z95_ONE_SIDED, 200, 30, 5);
        LiveReturn champion = new LiveReturn(40, 20, Math.sqrt(39));
        // canary mean 35, sd 20 over 5 → se 10; d = 15, 15 − 1.645·10.05 = −1.5 ≤ 0: better, not
        // with confidence → wait (the tolerance of 5 does not apply before N).
        assertThat(early.judge(2, new LiveReturn(5, 35, 20), 1, champion).verdict())
                .isEqualTo(Verdict.WAIT);
        // Far worse after 5 episodes: still wait, a rollback needs 30 a side.
        assertThat(early.judge(2, new LiveReturn(5, 2, 1), 1, champion).verdict())
                .isEqualTo(Verdict.WAIT);
        assertThat(early.judge(2, new LiveReturn(5, 2, 1), 1, champion).reason())
                .startsWith("not decided yet: ");
    }

    @Test
    void anEarlyMinimumOutsideTwoToNIsRefused() {
        assertThatThrownBy(
                        () -> new CanaryRules(10.0, 5.0, CanaryRules.Z95_ONE_SIDED, 200, 30, 201))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most the promotion's 200");
        assertThatThrownBy(() -> new CanaryRules(10.0, 5.0, CanaryRules.Z95_ONE_SIDED, 200, 30, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
