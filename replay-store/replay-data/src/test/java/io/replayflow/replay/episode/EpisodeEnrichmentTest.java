package io.replayflow.replay.episode;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.replay.data.testing.Transitions;
import io.replayflow.replay.row.ReplayRow;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class EpisodeEnrichmentTest {

    private static List<ReplayRow> episode(int length, boolean terminated, boolean truncated) {
        List<ReplayRow> rows = new ArrayList<>();
        Transitions.episode("CartPole-v1", "a", "e", length, 0, 10, terminated, truncated, 0, 4)
                .forEach(t -> rows.add(ReplayRow.fromTransition(t)));
        return rows;
    }

    @Test
    void bootstrapObservationIsTheNextObsOfTheLastSummedStep() {
        List<ReplayRow> rows = episode(5, true, false); // rewards 1..5
        EpisodeEnrichment.enrich(rows, 3, 0.5);
        // row 0 sums steps 0..2 and bootstraps from next_obs of step 2 = (2 + 1) * 10 + k
        assertThat(rows.get(0).bootstrapObs).containsExactly(30f, 31f, 32f, 33f);
        assertThat(rows.get(0).nStepReturn).isEqualTo(2.75f);
        assertThat(rows.get(3).bootstrapObs).containsExactly(50f, 51f, 52f, 53f);
        assertThat(rows.get(3).bootstrapCut).isTrue();
        assertThat(rows).allMatch(r -> r.episodeComplete);
    }

    @Test
    void targetsNeverReachAcrossAGapInTheSteps() {
        List<ReplayRow> rows = episode(6, true, false);
        rows.remove(3); // steps 0,1,2 | 4,5 (rewards 1,2,3 | 5,6)
        EpisodeEnrichment.enrich(rows, 3, 0.5);
        // first run is open at the gap: row 1 sums steps 1..2 only and bootstraps from step 2
        assertThat(rows.get(1).nStepReturn).isEqualTo(2 + 0.5f * 3);
        assertThat(rows.get(1).bootstrapCut).isFalse();
        assertThat(rows.get(1).returnToGo).isNaN();
        assertThat(rows.get(1).episodeComplete).isFalse();
        // the last run ends with the terminal step
        assertThat(rows.get(3).nStepReturn).isEqualTo(5 + 0.5f * 6);
        assertThat(rows.get(3).bootstrapCut).isTrue();
        assertThat(rows.get(3).returnToGo).isEqualTo(8f);
        assertThat(rows.get(3).episodeComplete).isTrue();
    }

    @Test
    void imageRowsBootstrapFromTheNextImageOfTheLastSummedStep() {
        List<ReplayRow> rows = new ArrayList<>();
        Transitions.imageEpisode("MinAtar/Breakout-v1", "a", "e", 5, 0, true, List.of(10, 10, 4))
                .forEach(t -> rows.add(ReplayRow.fromTransition(t)));
        EpisodeEnrichment.enrich(rows, 3, 0.5);
        ReplayRow first = rows.get(0);
        assertThat(first.obs).isEmpty();
        assertThat(first.obsImage).isEqualTo(Transitions.image(0, 400));
        // row 0 sums steps 0..2 and bootstraps from next_obs_image of step 2 = image(3)
        assertThat(first.bootstrapObsImage).isEqualTo(Transitions.image(3, 400));
        assertThat(first.nStepReturn).isEqualTo(2.75f);
        // row 3 is cut by the terminal step 4 and bootstraps (weight 0) from image(5)
        assertThat(rows.get(3).bootstrapObsImage).isEqualTo(Transitions.image(5, 400));
        assertThat(rows.get(3).bootstrapCut).isTrue();
        assertThat(rows).allMatch(r -> r.bootstrapObs.length == 0 && r.hasImages());
    }
}
