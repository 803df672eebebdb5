package io.replayflow.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ClusterConfigTest {

    @TempDir Path dir;

    @Test
    void eachBrokerTakesOneClientAndOneControllerPortFromTheBases() {
        ClusterConfig config = ClusterConfig.defaults(dir).withPorts(30000, 30100, 30200, 30201);

        assertThat(config.bootstrapServers())
                .isEqualTo("127.0.0.1:30000,127.0.0.1:30001,127.0.0.1:30002");
        assertThat(config.brokerControllerPort(3)).isEqualTo(30102);
        assertThat(config.flinkRestUrl()).isEqualTo("http://127.0.0.1:30200");
    }

    @Test
    void fewerThanThreeBrokersCannotHoldThreeReplicas() {
        assertThatThrownBy(
                        () ->
                                new ClusterConfig(
                                        dir, 2, 30000, 30100, 30200, 30201, 1, 4, 4, "rf.", 256,
                                        256, 1024))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "brokers must be at least 3 (topics are replicated 3 times with"
                                + " min.insync.replicas 2), was 2: pass --brokers 3 or more");
    }

    @Test
    void overlappingPortRangesAreRefusedNamingBoth() {
        assertThatThrownBy(() -> ClusterConfig.defaults(dir).withPorts(30000, 30002, 30200, 30201))
                .hasMessageStartingWith(
                        "kafkaPort 30000-30002 overlaps controllerPort 30002-30004");
    }

    @Test
    void privilegedPortsAreRefused() {
        assertThatThrownBy(() -> ClusterConfig.defaults(dir).withPorts(30000, 30100, 80, 30201))
                .hasMessage(
                        "flinkRestPort 80 must lie within 1024-65535: pick an unprivileged port");
    }

    @Test
    void aTaskManagerTooSmallForFlinksFixedPoolsIsRefused() {
        assertThatThrownBy(() -> ClusterConfig.defaults(dir).withSizes(1, 4, 256, 256, 512))
                .hasMessageStartingWith("taskManagerMemoryMb must be at least 1280, was 512");
    }

    @Test
    void aSavedConfigLoadsBackEqual() {
        ClusterConfig config =
                ClusterConfig.defaults(dir)
                        .withPorts(31000, 31100, 31200, 31201)
                        .withSizes(2, 3, 300, 320, 1300);

        config.save();

        assertThat(ClusterConfig.load(dir)).isEqualTo(config);
    }

    @Test
    void loadingWhereNoClusterWasStartedSaysSo() {
        assertThatThrownBy(() -> ClusterConfig.load(dir.resolve("none")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no cluster in")
                .hasMessageContaining("run 'replayflow cluster up --dir");
    }
}
