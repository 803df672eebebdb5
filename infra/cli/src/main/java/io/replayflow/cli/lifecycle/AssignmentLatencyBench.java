package io.replayflow.cli.lifecycle;

import io.replayflow.actor.ActorConfig;
import io.replayflow.actor.ActorRunner;
import io.replayflow.actor.assign.AssignmentLog;
import io.replayflow.actor.policy.EpsilonSchedule;
import io.replayflow.infra.stack.LocalStack;
import io.replayflow.schemas.avro.PolicyAssignment;
import io.replayflow.trainer.export.PolicyArtifact;
import io.replayflow.trainer.publish.PolicyPublisher;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Function;

/**
 * {@code bench assignments}: how long a lifecycle decision takes to reach every actor, over many
 * decisions. One JVM: a real KRaft broker ({@link LocalStack}, no Flink), {@code actors} real
 * {@link ActorRunner}s (each what one actor process runs: its own assignment follower and consumer,
 * CartPole copies acting and publishing transitions), two real SavedModels (the drill's good v1 and
 * poor v2).
 *
 * <p>Each decision is written the way the controller and the {@code policy} verbs write one,
 * through {@link AssignmentLog#update} (fence, read, decide, one transaction), cycling through
 * canary v2 at 20 % → roll the canary back → promote v2 → roll back to v1 → canary v3 → roll it
 * back: each canary is a model no actor holds (loaded cold, as a new candidate is), the other steps
 * go back to models of the assignment before (which followers keep loaded). The clock starts just
 * before {@code update} is called and stops, per actor, when that actor has installed the
 * assignment (its router routes new episodes by it), read every millisecond. Reported: the write
 * itself, per actor, and per decision the slowest actor ("every actor"), as p50/p90/p99/max; the
 * first {@code warmUp} decisions are not counted.
 *
 * @param dir an empty working directory (broker data, artifacts)
 * @param actors actor runners, each with its own follower
 * @param envsPerActor CartPole copies per runner
 * @param stepsPerSecond each runner's step rate
 * @param decisions measured decisions
 * @param warmUp decisions before the measured ones
 * @param gap the longest pause between decisions (each pause is uniform in [gap/4, gap])
 * @param timeout the longest one decision may take to reach every actor
 * @param kafkaSettings further client settings of the actors (e.g. {@code fetch.max.wait.ms})
 */
public record AssignmentLatencyBench(
        Path dir,
        int actors,
        int envsPerActor,
        double stepsPerSecond,
        int decisions,
        int warmUp,
        Duration gap,
        Duration timeout,
        Map<String, String> kafkaSettings) {

    private static final String NAME = "bench-cartpole";
    private static final List<String> CYCLE =
            List.of(
                    "canary v2 (cold)",
                    "rollback canary",
                    "promote v2",
                    "rollback to v1",
                    "canary v3 (cold)",
                    "rollback canary");

    public AssignmentLatencyBench {
        if (actors < 1 || envsPerActor < 1 || decisions < 1 || warmUp < 0) {
            throw new IllegalArgumentException(
                    "actors, envs per actor and decisions must be at least 1, warm-up at least 0");
        }
    }

    /** Latencies in milliseconds, measured decisions only. */
    public record Result(
            int actors,
            int decisions,
            double[] writeMs,
            double[] perActorMs,
            double[] everyActorMs,
            double[] commitToEveryActorMs,
            int[] kinds,
            long steps) {

        /** The decisions' kinds, in {@link #kind(int)}'s numbering (the cycle's order). */
        public static String kind(int index) {
            return CYCLE.get(index);
        }

        /** {@code values} of the decisions of kind {@code index}. */
        public double[] ofKind(double[] values, int index) {
            return java.util.stream.IntStream.range(0, values.length)
                    .filter(i -> kinds[i] == index)
                    .mapToDouble(i -> values[i])
                    .toArray();
        }

        /** How many kinds of decision the cycle has. */
        public static int kindCount() {
            return CYCLE.size();
        }

        /** The {@code q} quantile (nearest rank) of {@code values}. */
        public static double quantile(double[] values, double q) {
            double[] sorted = values.clone();
            Arrays.sort(sorted);
            int rank = (int) Math.ceil(q * sorted.length);
            return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
        }

        /** {@code p50 / p90 / p99 / max} of {@code values}, in ms. */
        public static String summary(double[] values) {
            return String.format(
                    "%.1f / %.1f / %.1f / %.1f ms",
                    quantile(values, 0.5),
                    quantile(values, 0.9),
                    quantile(values, 0.99),
                    quantile(values, 1.0));
        }
    }

    public Result run(PrintWriter progress) throws Exception {
        Path root = dir.toAbsolutePath();
        try (LocalStack stack =
                LocalStack.builder()
                        .dataDir(root.resolve("stack"))
                        .withFlink(false)
                        .partitions(2)
                        .start()) {
            List<PolicyArtifact> artifacts = new ArrayList<>(DrillPolicies.goodAndPoor(root, NAME));
            artifacts.add(DrillPolicies.anotherGood(root, NAME, artifacts.get(1).version()));
            try (PolicyPublisher publisher =
                    PolicyPublisher.create(stack.bootstrapServers(), stack.topics())) {
                for (PolicyArtifact a : artifacts) {
                    publisher.publish(a.toPolicyVersion(Map.of()));
                }
            }
            AssignmentLog log =
                    new AssignmentLog(
                            stack.bootstrapServers(),
                            Map.of(),
                            stack.topics(),
                            Duration.ofSeconds(30));
            log.update(NAME, state -> Optional.of(manual(root, state).promote(1)));

            List<ActorRunner> runners = new ArrayList<>();
            try {
                for (int i = 0; i < actors; i++) {
                    runners.add(ActorRunner.start(actorConfig(stack, root, i)));
                }
                awaitAll(runners, 1, System.nanoTime(), new double[actors]);
                progress.printf(
                        "%d actor runners (%d CartPole copies each, %.0f steps/s each) follow"
                                + " assignment #1; %d warm-up + %d measured decisions%n",
                        actors, envsPerActor, stepsPerSecond, warmUp, decisions);
                progress.flush();
                return measure(root, log, runners, progress);
            } finally {
                for (ActorRunner r : runners) {
                    r.stop();
                }
                for (ActorRunner r : runners) {
                    r.close();
                }
            }
        }
    }

    private Result measure(Path root, AssignmentLog log, List<ActorRunner> runners, PrintWriter out)
            throws Exception {
        Random random = new Random(7);
        double[] write = new double[decisions];
        double[] perActor = new double[decisions * actors];
        double[] every = new double[decisions];
        double[] afterCommit = new double[decisions];
        int[] kinds = new int[decisions];
        double[] follow = new double[actors];
        for (int d = 0; d < warmUp + decisions; d++) {
            String what = CYCLE.get(d % CYCLE.size());
            Function<ManualDecisions, PolicyAssignment> decide = decision(d % CYCLE.size());
            long t0 = System.nanoTime();
            PolicyAssignment written =
                    log.update(NAME, state -> Optional.of(decide.apply(manual(root, state))))
                            .orElseThrow();
            double writeMs = (System.nanoTime() - t0) / 1e6;
            awaitAll(runners, written.getSequence(), t0, follow);
            if (d >= warmUp) {
                int m = d - warmUp;
                write[m] = writeMs;
                double slowest = 0;
                for (int a = 0; a < actors; a++) {
                    perActor[m * actors + a] = follow[a];
                    slowest = Math.max(slowest, follow[a]);
                }
                every[m] = slowest;
                afterCommit[m] = slowest - writeMs;
                kinds[m] = d % CYCLE.size();
                if ((m + 1) % 25 == 0 || m + 1 == decisions) {
                    out.printf(
                            "  %d/%d decisions (last: %s, written in %.1f ms, every actor after"
                                    + " %.1f ms)%n",
                            m + 1, decisions, what, writeMs, slowest);
                    out.flush();
                }
            }
            long pauseMs = gap.toMillis() / 4 + random.nextInt((int) (gap.toMillis() * 3 / 4) + 1);
            Thread.sleep(pauseMs);
        }
        long steps = 0;
        for (ActorRunner r : runners) {
            steps += r.status().steps();
        }
        return new Result(actors, decisions, write, perActor, every, afterCommit, kinds, steps);
    }

    private static Function<ManualDecisions, PolicyAssignment> decision(int step) {
        return switch (step) {
            case 0 -> m -> m.canary(2, 0.2);
            case 2 -> m -> m.promote(2);
            case 3 -> m -> m.rollback(1L);
            case 4 -> m -> m.canary(3, 0.2);
            default -> m -> m.rollback(null);
        };
    }

    /** Waits until every runner installed {@code sequence}; {@code followMs[i]} = ms since t0. */
    private void awaitAll(List<ActorRunner> runners, long sequence, long t0, double[] followMs)
            throws InterruptedException {
        boolean[] seen = new boolean[runners.size()];
        int left = runners.size();
        long deadline = t0 + timeout.toNanos();
        while (left > 0) {
            for (int i = 0; i < runners.size(); i++) {
                if (!seen[i] && runners.get(i).assignmentSequence() >= sequence) {
                    seen[i] = true;
                    followMs[i] = (System.nanoTime() - t0) / 1e6;
                    left--;
                }
            }
            if (left > 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "bench assignments: assignment #"
                                    + sequence
                                    + " did not reach every actor within "
                                    + timeout);
                }
                Thread.sleep(1);
            }
        }
    }

    private static ManualDecisions manual(Path root, AssignmentLog.State state) {
        return new ManualDecisions(
                PolicyVersions.read(root, NAME),
                state.latest(),
                state.history(),
                "bench",
                InstantSource.system());
    }

    private ActorConfig actorConfig(LocalStack stack, Path root, int index) {
        return ActorConfig.builder()
                .bootstrapServers(stack.bootstrapServers())
                .env("CartPole-v1")
                .actors(1)
                .envsPerActor(envsPerActor)
                .maxStepsPerSecond(stepsPerSecond)
                .policyName(NAME)
                .actorName("bench-" + index)
                .epsilon(EpsilonSchedule.constant(0.01))
                .seed(index + 1)
                .policyRoot(root.resolve("policies"))
                .kafkaProperties(kafkaSettings)
                .build();
    }
}
