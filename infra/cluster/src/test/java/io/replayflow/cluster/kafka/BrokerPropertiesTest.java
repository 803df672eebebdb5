package io.replayflow.cluster.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.replayflow.cluster.ClusterConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BrokerPropertiesTest {

    private final ClusterConfig config =
            ClusterConfig.defaults(Path.of("/tmp/c")).withPorts(30000, 30100, 30200, 30201);

    @Test
    void everyBrokerIsAVoterOfTheSameStaticQuorumOnLoopback() {
        Map<String, String> second = BrokerProperties.of(config, 2, Path.of("/tmp/c/b2"));

        assertThat(second)
                .containsEntry("node.id", "2")
                .containsEntry("process.roles", "broker,controller")
                .containsEntry(
                        "controller.quorum.voters",
                        "1@127.0.0.1:30100,2@127.0.0.1:30101,3@127.0.0.1:30102")
                .containsEntry(
                        "listeners", "PLAINTEXT://127.0.0.1:30001,CONTROLLER://127.0.0.1:30101")
                .containsEntry("advertised.listeners", "PLAINTEXT://127.0.0.1:30001");
    }

    @Test
    void everyTopicIncludingTheInternalOnesHasThreeReplicasAndMinIsrTwo() {
        Map<String, String> s = BrokerProperties.of(config, 1, Path.of("/tmp/c/b1"));

        assertThat(s)
                .containsEntry("default.replication.factor", "3")
                .containsEntry("min.insync.replicas", "2")
                .containsEntry("offsets.topic.replication.factor", "3")
                .containsEntry("transaction.state.log.replication.factor", "3")
                .containsEntry("transaction.state.log.min.isr", "2")
                .containsEntry("unclean.leader.election.enable", "false");
    }

    @Test
    void anIdOutsideTheClusterIsRefused() {
        assertThatThrownBy(() -> BrokerProperties.of(config, 4, Path.of("/tmp")))
                .hasMessage("broker id 4 is outside 1..3");
    }
}
