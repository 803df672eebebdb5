package io.replayflow.replay.sample;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class FifoSamplerTest {

    @Test
    void handsOutRowsOldestFirstAndWraps() {
        FifoSampler sampler = Sampler.fifo();
        sampler.append(5);
        SampleBatch batch = new SampleBatch(3);
        sampler.sample(batch);
        assertThat(batch.rowIds()).containsExactly(0, 1, 2);
        sampler.sample(batch);
        assertThat(batch.rowIds()).containsExactly(3, 4, 0);
        assertThat(batch.weights()).containsOnly(1.0f);
        assertThat(batch.probabilities()).containsOnly(1.0);
    }

    @Test
    void continuesIntoNewRowsAndSkipsRemovedOnes() {
        FifoSampler sampler = Sampler.fifo();
        sampler.append(4);
        SampleBatch batch = new SampleBatch(2);
        sampler.sample(batch);
        assertThat(batch.rowIds()).containsExactly(0, 1);
        sampler.append(3);
        sampler.remove(2, 4);
        sampler.sample(batch);
        assertThat(batch.rowIds()).containsExactly(4, 5);
        sampler.retainFrom(5);
        sampler.sample(batch);
        assertThat(batch.rowIds()).containsExactly(6, 5);
    }
}
