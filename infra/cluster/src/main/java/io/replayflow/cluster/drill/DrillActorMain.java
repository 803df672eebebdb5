package io.replayflow.cluster.drill;

import io.replayflow.actor.ActorConfig;
import io.replayflow.actor.ActorRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Collectors;

/**
 * One actor process of a drill: the actor service's {@link ActorRunner} on CartPole, following the
 * drill's policy topic, throttled so the cluster keeps up on a small machine. Every second it
 * prints one {@code STATUS} line that the drill reads from the process's log:
 *
 * <pre>{@code
 * STATUS acting=1 installed=1 steps=12345 swaps=1 swap_failures=2 refusals=2:CHECKSUM_MISMATCH,3:SPEC_MISMATCH
 * }</pre>
 *
 * <p>Arguments: {@code BOOTSTRAP TOPIC_PREFIX POLICY_ROOT NAME STEPS_PER_SECOND}.
 */
public final class DrillActorMain {

    static final String STATUS = "STATUS ";

    private DrillActorMain() {}

    public static void main(String[] args) throws Exception {
        ActorConfig config =
                ActorConfig.builder()
                        .bootstrapServers(args[0])
                        .topicPrefix(args[1])
                        .policyRoot(Path.of(args[2]))
                        .actorName(args[3])
                        .maxStepsPerSecond(Double.parseDouble(args[4]))
                        .env("CartPole-v1")
                        .envsPerActor(4)
                        .actors(1)
                        .seed(args[3].hashCode())
                        .swapPollInterval(Duration.ofMillis(200))
                        .metricsPort(-1)
                        .build();
        try (ActorRunner runner = ActorRunner.start(config)) {
            while (true) {
                String refusals =
                        runner.refusals().stream()
                                .map(r -> r.version() + ":" + r.reason())
                                .collect(Collectors.joining(","));
                System.out.printf(
                        "%sacting=%d installed=%d steps=%d swaps=%d swap_failures=%d refusals=%s%n",
                        STATUS,
                        runner.actingVersion(),
                        runner.installedVersion(),
                        runner.metrics().steps(),
                        runner.metrics().swaps(),
                        runner.refusals().size(),
                        refusals);
                System.out.flush();
                Thread.sleep(1_000);
            }
        }
    }
}
