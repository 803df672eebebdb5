package io.replayflow.replay.limit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class SamplesPerInsertLimiterTest {

    private static final Duration NOW = Duration.ZERO;
    private static final Duration LONG = Duration.ofSeconds(20);

    private final ExecutorService other = Executors.newSingleThreadExecutor();

    @AfterEach
    void stopOtherThread() {
        other.shutdownNow();
    }

    /** One sample per insert, min size 1, batches and inserts of 4: tolerance 4 is the minimum. */
    private static SamplesPerInsertLimiter tight() {
        return new SamplesPerInsertLimiter(new SamplesPerInsertSettings(1.0, 4.0, 1, 4, 4));
    }

    @Test
    void sampleWaitsForMinSizeAndInsertsNeverWaitBeforeIt() throws Exception {
        // 100 samples per insert would hold back any inserter counted from row 0; the fill phase
        // is exempt, so all 1000 rows go in at once and only then may sampling start.
        SamplesPerInsertLimiter limiter =
                new SamplesPerInsertLimiter(
                        new SamplesPerInsertSettings(100.0, 1000.0, 1000, 8, 10));
        for (int i = 0; i < 99; i++) {
            assertThat(limiter.awaitCanInsert(10, NOW)).isTrue();
        }
        assertThat(limiter.awaitCanSample(8, NOW)).isFalse();
        assertThat(limiter.awaitCanInsert(10, NOW)).isTrue();
        assertThat(limiter.awaitCanSample(8, NOW)).isTrue();
        assertThat(limiter.inserted()).isEqualTo(1000);
        assertThat(limiter.sampled()).isEqualTo(8);
    }

    @Test
    void inserterAheadWaitsUntilTheSamplerCatchesUp() throws Exception {
        SamplesPerInsertLimiter limiter = tight();
        assertThat(limiter.awaitCanInsert(4, NOW)).isTrue(); // fill: I = 4, D = 0 - 1 * 3 = -3
        // Another 4 rows would make D = -7 < -4: the inserter must wait.
        CountDownLatch started = new CountDownLatch(1);
        Future<Boolean> insert =
                other.submit(
                        () -> {
                            started.countDown();
                            return limiter.awaitCanInsert(4, LONG);
                        });
        started.await();
        waitUntil(() -> limiter.waitingInserters() == 1);
        assertThat(insert).isNotDone();

        assertThat(limiter.awaitCanSample(4, NOW)).isTrue(); // D = 1; 1 - 4 = -3 >= -4
        assertThat(insert.get(20, TimeUnit.SECONDS)).isTrue();
        assertThat(limiter.inserted()).isEqualTo(8);
        assertThat(limiter.deviation()).isEqualTo(-3.0);
    }

    @Test
    void aWaitingInserterIsLetInOnceTheLiveRowsFallBelowMinSize() throws Exception {
        // r = 1, T = 4, M = 4, batches and inserts of <= 4.
        SamplesPerInsertLimiter limiter =
                new SamplesPerInsertLimiter(new SamplesPerInsertSettings(1.0, 4.0, 4, 4, 4));
        assertThat(limiter.awaitCanInsert(4, NOW)).isTrue(); // fill: I = 4, D = 0
        assertThat(limiter.awaitCanInsert(4, NOW)).isTrue(); // D = 0 - 4 = -4 >= -4
        assertThat(limiter.awaitCanInsert(4, NOW)).isFalse(); // D would be -8 < -4
        Future<Boolean> insert = other.submit(() -> limiter.awaitCanInsert(4, LONG));
        waitUntil(() -> limiter.waitingInserters() == 1);

        limiter.removed(4); // 4 of 8 rows left: still min size live, the inserter keeps waiting
        assertThat(insert).isNotDone();
        limiter.removed(1); // 3 live < M = 4: no sample can come from rows that are not there
        assertThat(insert.get(20, TimeUnit.SECONDS)).isTrue();
        assertThat(limiter.inserted()).isEqualTo(12);
        // What the sampler owes is unchanged: D = 0 - 1 * (12 - 4) = -8.
        assertThat(limiter.deviation()).isEqualTo(-8.0);
        assertThatThrownBy(() -> limiter.removed(-1)).hasMessageContaining(">= 0");
    }

    @Test
    void samplerAheadWaitsUntilTheInserterCatchesUp() throws Exception {
        SamplesPerInsertLimiter limiter = tight();
        limiter.awaitCanInsert(4, NOW); // D = -3
        assertThat(limiter.awaitCanSample(4, NOW)).isTrue(); // D = 1
        // Another batch would make D = 5 > 4: the sampler must wait.
        CountDownLatch started = new CountDownLatch(1);
        Future<Boolean> sample =
                other.submit(
                        () -> {
                            started.countDown();
                            return limiter.awaitCanSample(4, LONG);
                        });
        started.await();
        waitUntil(() -> limiter.waitingSamplers() == 1);
        assertThat(sample).isNotDone();

        assertThat(limiter.awaitCanInsert(4, NOW)).isTrue(); // D = -3; -3 + 4 = 1 <= 4
        assertThat(sample.get(20, TimeUnit.SECONDS)).isTrue();
        assertThat(limiter.sampled()).isEqualTo(8);
        assertThat(limiter.deviation()).isEqualTo(1.0);
    }

    @Test
    void aTimedOutWaitCountsNothing() throws Exception {
        SamplesPerInsertLimiter limiter = tight();
        limiter.awaitCanInsert(4, NOW);
        limiter.awaitCanSample(4, NOW);
        assertThat(limiter.awaitCanSample(4, Duration.ofMillis(20))).isFalse();
        assertThat(limiter.sampled()).isEqualTo(4);
        assertThat(limiter.waitingSamplers()).isZero();
    }

    @Test
    void anInterruptedWaitThrowsAndCountsNothing() throws Exception {
        SamplesPerInsertLimiter limiter = tight(); // nothing inserted: sampling waits for min size
        Future<Throwable> outcome =
                other.submit(
                        () -> {
                            try {
                                limiter.awaitCanSample(4, LONG);
                                return null;
                            } catch (InterruptedException e) {
                                return e;
                            }
                        });
        waitUntil(() -> limiter.waitingSamplers() == 1);
        other.shutdownNow(); // interrupts the waiting thread
        assertThat(outcome.get(20, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        assertThat(limiter.waitingSamplers()).isZero();
        assertThat(limiter.sampled()).isZero();
    }

    @Test
    void twoThreadsKeepTheRatioWithinTheBandAndBothFinish() throws Exception {
        // r = 2, M = 100, inserts of 10, batches of 32, T = 64 (the rule needs 26).
        // The inserter adds 10,000 rows. Once all are in, the sampler may draw up to
        // T + r * (I - M) = 64 + 19,800 samples, and the inserter's last chunk needs
        // S >= r * (I - M) - T = 19,736: 619 batches of 32 = 19,808 satisfy both.
        SamplesPerInsertSettings settings = new SamplesPerInsertSettings(2.0, 64.0, 100, 32, 10);
        SamplesPerInsertLimiter limiter = new SamplesPerInsertLimiter(settings);
        Future<Boolean> inserter =
                other.submit(
                        () -> {
                            for (int i = 0; i < 1000; i++) {
                                if (!limiter.awaitCanInsert(10, LONG)) {
                                    return false;
                                }
                            }
                            return true;
                        });
        for (int batch = 0; batch < 619; batch++) {
            assertThat(limiter.awaitCanSample(32, LONG)).isTrue();
            assertThat(limiter.deviation()).isBetween(-64.0, 64.0);
        }
        assertThat(inserter.get(20, TimeUnit.SECONDS)).isTrue();
        assertThat(limiter.inserted()).isEqualTo(10_000);
        assertThat(limiter.sampled()).isEqualTo(19_808);
    }

    @Test
    void refusesCallsLargerThanTheSettingsWereCheckedFor() {
        SamplesPerInsertLimiter limiter = tight();
        assertThatThrownBy(() -> limiter.awaitCanSample(5, NOW))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("batch is 5; it must be in [1, maxSampleBatch = 4]");
        assertThatThrownBy(() -> limiter.awaitCanInsert(0, NOW))
                .hasMessageContaining("rows is 0; it must be in [1, maxInsertBatch = 4]");
    }

    /** Spins until the other thread reaches a known state; the class timeout bounds it. */
    private static void waitUntil(BooleanSupplier condition) {
        while (!condition.getAsBoolean()) {
            Thread.yield();
        }
    }
}
