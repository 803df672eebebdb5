package io.replayflow.trainer.ope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replayflow.trainer.data.DataSelection;
import io.replayflow.trainer.testing.CartPoleLog;
import io.replayflow.trainer.testing.ParquetData;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class ExperienceEpisodesTest {

    private static final long T0 = 1_763_600_000_000L;

    @TempDir Path root;

    @Test
    void readsEpisodesOfVectorObservations() throws Exception {
        ParquetData.writeExperience(root, CartPoleLog.numbered("a0", "e0", 5, T0, true, false, 0));

        ExperienceEpisodes.Read read = ExperienceEpisodes.read(root.toUri(), DataSelection.all());

        assertThat(read.obsDim()).isEqualTo(4);
        assertThat(read.episodes()).hasSize(1);
    }

    @Test
    void anImageLogIsRefusedNamingTheEnvAndTheFix() throws Exception {
        ParquetData.writeExperience(
                root, CartPoleLog.breakoutEpisode("MinAtar/Breakout-v1", "e0", 4, T0));

        assertThatThrownBy(() -> ExperienceEpisodes.read(root.toUri(), DataSelection.all()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("image observations")
                .hasMessageContaining("MinAtar/Breakout-v1")
                .hasMessageContaining("--env");
    }
}
