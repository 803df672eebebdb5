package io.replayflow.replay.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Rows arrive, expire as prefixes and leave as ranges from the middle, the way a reader drops
 * expired Parquet partitions; no sampler may ever return a row that is gone.
 */
@Timeout(30)
class SamplerRowLifecycleTest {

    private static final double ALPHA = 0.7;

    static Stream<Arguments> samplers() {
        BetaSchedule beta = new BetaSchedule(0.4, 100);
        // A tiny initial capacity makes the prioritized trees grow and compact many times.
        Function<SplittableRandom, Sampler> prioritized =
                rng -> new PrioritizedSampler(ALPHA, beta, 1.0, 2, rng);
        Function<SplittableRandom, Sampler> uniform = Sampler::uniform;
        Function<SplittableRandom, Sampler> fifo = rng -> Sampler.fifo();
        return Stream.of(
                Arguments.of("prioritized", prioritized),
                Arguments.of("uniform", uniform),
                Arguments.of("fifo", fifo));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samplers")
    void neverReturnsARemovedRow(String name, Function<SplittableRandom, Sampler> factory) {
        SplittableRandom rng = new SplittableRandom(31);
        Sampler sampler = factory.apply(new SplittableRandom(32));
        Model model = new Model();
        SampleBatch batch = new SampleBatch(64);
        for (int op = 0; op < 3_000; op++) {
            applyRandomOperation(rng, sampler, model);
            assertThat(sampler.liveRows()).isEqualTo(model.liveCount());
            if (model.liveCount() == 0) {
                assertThatThrownBy(() -> sampler.sample(batch))
                        .isInstanceOf(IllegalStateException.class);
                continue;
            }
            sampler.sample(batch);
            double total = model.totalScaled(ALPHA);
            for (int j = 0; j < batch.size(); j++) {
                int row = batch.rowIds()[j];
                assertThat(model.live[row]).as("row %d is live", row).isTrue();
                if (sampler instanceof PrioritizedSampler) {
                    assertThat(batch.probabilities()[j])
                            .isCloseTo(Math.pow(model.priority[row], ALPHA) / total, within(1e-9));
                }
            }
        }
    }

    private static void applyRandomOperation(SplittableRandom rng, Sampler sampler, Model model) {
        int end = sampler.endRow();
        switch (rng.nextInt(4)) {
            case 0 -> {
                int count = rng.nextInt(1, 40);
                assertThat(sampler.append(count)).isEqualTo(end);
                model.append(count);
            }
            case 1 -> {
                int first = end == 0 ? 0 : rng.nextInt(end + 1);
                assertThat(sampler.retainFrom(first)).isEqualTo(model.remove(0, first));
            }
            case 2 -> {
                int from = end == 0 ? 0 : rng.nextInt(end);
                int to = Math.min(end, from + rng.nextInt(10));
                assertThat(sampler.remove(from, to)).isEqualTo(model.remove(from, to));
            }
            default -> {
                if (end > 0) {
                    int row = rng.nextInt(end);
                    double priority = rng.nextDouble(0.01, 5.0);
                    assertThat(sampler.update(row, priority)).isEqualTo(model.live[row]);
                    model.update(row, priority);
                }
            }
        }
    }

    /** Reference state: a flag and a priority per row, priorities of new rows at the max. */
    private static final class Model {
        boolean[] live = new boolean[0];
        double[] priority = new double[0];
        int end;
        double maxPriority = 1.0;

        void append(int count) {
            live = Arrays.copyOf(live, end + count);
            priority = Arrays.copyOf(priority, end + count);
            for (int row = end; row < end + count; row++) {
                live[row] = true;
                priority[row] = maxPriority;
            }
            end += count;
        }

        int remove(int from, int to) {
            int removed = 0;
            for (int row = from; row < to; row++) {
                removed += live[row] ? 1 : 0;
                live[row] = false;
            }
            return removed;
        }

        void update(int row, double value) {
            if (live[row]) {
                priority[row] = value;
                maxPriority = Math.max(maxPriority, value);
            }
        }

        int liveCount() {
            int count = 0;
            for (boolean b : live) {
                count += b ? 1 : 0;
            }
            return count;
        }

        double totalScaled(double alpha) {
            double total = 0;
            for (int r = 0; r < end; r++) {
                total += live[r] ? Math.pow(priority[r], alpha) : 0;
            }
            return total;
        }
    }
}
