package io.replayflow.actor.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class RecentReturnsTest {

    @Test
    void meanOfTheLastEpisodesOnly() {
        RecentReturns r = new RecentReturns(3);
        assertThat(r.mean()).isNaN();
        r.add(1);
        r.add(2);
        assertThat(r.mean()).isEqualTo(1.5);
        r.add(3);
        r.add(10); // 1 falls out: (2 + 3 + 10) / 3
        assertThat(r.mean()).isEqualTo(5.0);
        assertThat(r.size()).isEqualTo(3);
    }

    @Test
    void doesNotDriftOverMillionsOfEpisodes() {
        RecentReturns r = new RecentReturns(100);
        for (int i = 0; i < 2_000_000; i++) {
            r.add(i % 2 == 0 ? 1e9 : 0.1);
        }
        for (int i = 0; i < 100; i++) {
            r.add(0.1);
        }
        assertThat(r.mean()).isCloseTo(0.1, within(1e-12));
    }
}
