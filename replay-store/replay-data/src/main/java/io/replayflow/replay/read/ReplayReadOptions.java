package io.replayflow.replay.read;

import io.replayflow.replay.limit.SamplesPerInsertSettings;
import io.replayflow.replay.read.internal.RowFilter;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How a {@link ReplayDataset} reads: which rows (env, event-time range, policy versions), which
 * sampler, its seed, and an optional samples-per-insert limiter. Immutable; build with {@link
 * #builder()}.
 *
 * <pre>{@code
 * ReplayReadOptions options = ReplayReadOptions.builder()
 *         .envs("CartPole-v1")
 *         .timeRange(Instant.parse("2026-11-20T00:00:00Z"), Instant.parse("2026-11-21T00:00:00Z"))
 *         .policyVersions(3, 4)
 *         .sampler(SamplerSpec.prioritized(0.6, new BetaSchedule(0.4, 100_000)))
 *         .seed(42)
 *         .limiter(new SamplesPerInsertSettings(8.0, 2048.0, 10_000, 256, 4096))
 *         .build();
 * }</pre>
 */
public final class ReplayReadOptions {

    private final RowFilter filter;
    private final SamplerSpec sampler;
    private final long seed;
    private final Optional<SamplesPerInsertSettings> limiter;
    private final int obsDim;
    private final boolean applyStoredPriorities;
    private final Duration pollInterval;

    private ReplayReadOptions(Builder b) {
        this.filter = new RowFilter(b.envs, b.fromMs, b.toMs, b.policyVersions);
        this.sampler = b.sampler;
        this.seed = b.seed;
        this.limiter = Optional.ofNullable(b.limiter);
        this.obsDim = b.obsDim;
        this.applyStoredPriorities = b.applyStoredPriorities;
        this.pollInterval = b.pollInterval;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Everything, uniform sampling, seed 0. */
    public static ReplayReadOptions defaults() {
        return builder().build();
    }

    public RowFilter filter() {
        return filter;
    }

    public SamplerSpec sampler() {
        return sampler;
    }

    public long seed() {
        return seed;
    }

    public Optional<SamplesPerInsertSettings> limiter() {
        return limiter;
    }

    /** The observation size rows must have, or -1 to take it from the first row. */
    public int obsDim() {
        return obsDim;
    }

    public boolean applyStoredPriorities() {
        return applyStoredPriorities;
    }

    public Duration pollInterval() {
        return pollInterval;
    }

    /** Builds {@link ReplayReadOptions}; every setter validates its argument. */
    public static final class Builder {
        private Set<String> envs = Set.of();
        private long fromMs = Long.MIN_VALUE;
        private long toMs = Long.MAX_VALUE;
        private long[] policyVersions;
        private SamplerSpec sampler = SamplerSpec.uniform();
        private long seed;
        private SamplesPerInsertSettings limiter;
        private int obsDim = -1;
        private boolean applyStoredPriorities = true;
        private Duration pollInterval = Duration.ofMillis(500);

        private Builder() {}

        /** Keep only these environments (none: all). */
        public Builder envs(String... envIds) {
            for (String env : envIds) {
                Objects.requireNonNull(env, "env id");
            }
            this.envs = Set.of(envIds);
            return this;
        }

        /** Keep rows with {@code from <= event time < to}. */
        public Builder timeRange(Instant from, Instant to) {
            return timeRangeMs(from.toEpochMilli(), to.toEpochMilli());
        }

        /** Keep rows with {@code fromMs <= event_time_ms < toMs}. */
        public Builder timeRangeMs(long fromMs, long toMs) {
            if (fromMs >= toMs) {
                throw new IllegalArgumentException(
                        "time range ["
                                + Instant.ofEpochMilli(fromMs)
                                + ", "
                                + Instant.ofEpochMilli(toMs)
                                + ") is empty: 'from' must be before 'to'");
            }
            this.fromMs = fromMs;
            this.toMs = toMs;
            return this;
        }

        /** Keep only rows acted by these policy versions (0 = random, before any policy). */
        public Builder policyVersions(long... versions) {
            if (versions.length == 0) {
                throw new IllegalArgumentException(
                        "policyVersions() with no version would keep nothing; leave it unset to"
                                + " keep every version");
            }
            this.policyVersions = Arrays.copyOf(versions, versions.length);
            return this;
        }

        public Builder sampler(SamplerSpec sampler) {
            this.sampler = Objects.requireNonNull(sampler, "sampler");
            return this;
        }

        /** Seed of the sampler's random generator (SplittableRandom). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Gate sampling and inserts by a samples-per-insert ratio. With a limiter, rows enter the
         * sampler in pieces of at most {@code maxInsertBatch} as the ratio allows, and batches are
         * drawn with {@link ReplayDataset#trySample} or {@link ReplayDataset#sample(ReplayBatch,
         * Duration)}.
         */
        public Builder limiter(SamplesPerInsertSettings settings) {
            this.limiter = Objects.requireNonNull(settings, "limiter settings");
            return this;
        }

        /** The observation size every row must have (default: the first row's). */
        public Builder obsDim(int obsDim) {
            if (obsDim < 1) {
                throw new IllegalArgumentException(
                        "obsDim is " + obsDim + "; it must be >= 1 (CartPole-v1 has 4)");
            }
            this.obsDim = obsDim;
            return this;
        }

        /**
         * Whether new rows start from the priorities persisted by the job in {@code _priorities/}
         * (default true). Off: they start from the dataset's initial priority column, or the
         * sampler's running max.
         */
        public Builder applyStoredPriorities(boolean apply) {
            this.applyStoredPriorities = apply;
            return this;
        }

        /**
         * How often {@link ReplayDataset#sample(ReplayBatch, Duration)} refreshes while it waits.
         */
        public Builder pollInterval(Duration interval) {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException(
                        "pollInterval is " + interval + "; it must be positive (e.g. 500 ms)");
            }
            this.pollInterval = interval;
            return this;
        }

        public ReplayReadOptions build() {
            return new ReplayReadOptions(this);
        }
    }
}
