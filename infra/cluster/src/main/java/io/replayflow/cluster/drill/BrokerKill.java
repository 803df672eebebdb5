package io.replayflow.cluster.drill;

import io.replayflow.cluster.LocalCluster;
import io.replayflow.schemas.Topics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Node;

/**
 * {@code kill -9} of the broker leading partition 0 of the run's transitions topic; it stays down
 * for {@code downtime} (longer than the 6 s session timeout, so leaderships move and clients fail
 * over) while actors publish and jobs consume, then it is restarted on its data and rejoins.
 */
final class BrokerKill implements Fault {

    private final Duration downtime;

    BrokerKill(Duration downtime) {
        this.downtime = downtime;
    }

    @Override
    public void inject(LocalCluster cluster, String run, DrillReport report) throws Exception {
        String topic = Topics.withPrefix(run + ".").transitions();
        int victim;
        try (Admin admin = cluster.kafka().admin()) {
            Node leader =
                    admin.describeTopics(List.of(topic))
                            .allTopicNames()
                            .get(10, TimeUnit.SECONDS)
                            .get(topic)
                            .partitions()
                            .get(0)
                            .leader();
            victim = leader.id();
        }
        long pid =
                cluster.processes()
                        .find(io.replayflow.cluster.kafka.KafkaClusterProcess.processName(victim))
                        .map(ProcessHandle::pid)
                        .orElse(-1L);
        cluster.kafka().kill(victim);
        report.line("kill -9 broker %d (pid %d), leader of %s-0", victim, pid, topic);
        Thread.sleep(downtime.toMillis());
        cluster.kafka().restart(victim);
        cluster.kafka().awaitBrokers(cluster.config().brokers(), Duration.ofMinutes(2));
        report.line(
                "broker %d restarted after %d s down and serving again",
                victim, downtime.toSeconds());
    }

    @Override
    public boolean restartsJobs() {
        return false;
    }
}
