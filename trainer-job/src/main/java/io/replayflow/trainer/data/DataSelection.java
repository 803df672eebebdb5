package io.replayflow.trainer.data;

import io.replayflow.replay.read.ReplayReadOptions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which transitions of a dataset to train on: one environment, an event-time range {@code [from,
 * to)} and behaviour policy versions, each optional. Applied to the reader's options ({@link
 * #applyTo}) and described in messages ({@link #describe()}). Immutable.
 *
 * <pre>{@code
 * DataSelection selection = new DataSelection(Optional.of("CartPole-v1"),
 *         Optional.of(Instant.parse("2026-11-20T00:00:00Z")), Optional.empty(), Optional.empty());
 * }</pre>
 *
 * @param env keep only this env id
 * @param from keep event times at or after this instant
 * @param to keep event times before this instant
 * @param policyVersions keep only transitions acted by these policy versions (0 = random)
 */
public record DataSelection(
        Optional<String> env,
        Optional<Instant> from,
        Optional<Instant> to,
        Optional<long[]> policyVersions) {

    public DataSelection {
        env = Objects.requireNonNullElse(env, Optional.empty());
        from = Objects.requireNonNullElse(from, Optional.empty());
        to = Objects.requireNonNullElse(to, Optional.empty());
        policyVersions =
                Objects.requireNonNullElse(policyVersions, Optional.<long[]>empty())
                        .map(long[]::clone);
        if (env.isPresent() && env.get().isBlank()) {
            throw new IllegalArgumentException(
                    "--env is blank: give an env id such as CartPole-v1, or leave it out");
        }
        if (from.isPresent() && to.isPresent() && !from.get().isBefore(to.get())) {
            throw new IllegalArgumentException(
                    "--from "
                            + from.get()
                            + " is not before --to "
                            + to.get()
                            + ": the range [from, to) would be empty; swap or widen them");
        }
        if (policyVersions.isPresent() && policyVersions.get().length == 0) {
            throw new IllegalArgumentException(
                    "--policy-versions is empty: list at least one version (0 = random), or"
                            + " leave it out to keep every version");
        }
    }

    /** Everything. */
    public static DataSelection all() {
        return new DataSelection(
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** Sets the env, time-range and policy-version filters of {@code options}. */
    public ReplayReadOptions.Builder applyTo(ReplayReadOptions.Builder options) {
        env.ifPresent(options::envs);
        if (from.isPresent() || to.isPresent()) {
            options.timeRangeMs(
                    from.map(Instant::toEpochMilli).orElse(Long.MIN_VALUE),
                    to.map(Instant::toEpochMilli).orElse(Long.MAX_VALUE));
        }
        policyVersions.ifPresent(options::policyVersions);
        return options;
    }

    /** e.g. {@code env=CartPole-v1, event time in [2026-11-20T00:00:00Z, ...)}, or {@code all}. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        env.ifPresent(e -> parts.add("env=" + e));
        if (from.isPresent() || to.isPresent()) {
            parts.add(
                    "event time in ["
                            + from.map(Instant::toString).orElse("...")
                            + ", "
                            + to.map(Instant::toString).orElse("...")
                            + ")");
        }
        policyVersions.ifPresent(v -> parts.add("policy versions " + Arrays.toString(v)));
        return parts.isEmpty() ? "no filter" : String.join(", ", parts);
    }

    /** The policy versions, copied. */
    @Override
    public Optional<long[]> policyVersions() {
        return policyVersions.map(long[]::clone);
    }
}
