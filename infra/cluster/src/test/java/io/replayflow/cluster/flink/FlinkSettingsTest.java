package io.replayflow.cluster.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.cluster.ClusterConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FlinkSettingsTest {

    private final ClusterConfig config =
            ClusterConfig.defaults(Path.of("/tmp/c")).withPorts(30000, 30100, 30200, 30201);

    @Test
    void checkpointsGoUnderTheClusterDirectoryAndRestartsAreBounded() {
        Map<String, String> s = FlinkSettings.of(config);

        assertThat(s.get("execution.checkpointing.dir"))
                .startsWith("file:///tmp/c/flink/checkpoints");

        assertThat(s)
                .containsEntry("restart-strategy.type", "fixed-delay")
                .containsEntry("restart-strategy.fixed-delay.attempts", "50")
                .containsEntry("rest.port", "30200")
                .containsEntry("jobmanager.rpc.port", "30201")
                .containsEntry("rest.bind-address", "127.0.0.1");
    }

    @Test
    void theSmallestAllowedTaskManagerFitsFlinksMemoryModel() {
        ClusterConfig smallest = config.withSizes(1, 4, 256, 256, 1280);

        // Throws IllegalConfigurationException if the fixed pools do not fit the process size.
        var spec =
                TaskExecutorProcessUtils.processSpecFromConfig(
                        Configuration.fromMap(FlinkSettings.of(smallest)));

        assertThat(spec.getTotalProcessMemorySize().getMebiBytes()).isEqualTo(1280);
        assertThat(spec.getTaskHeapSize().getMebiBytes()).isGreaterThan(100);
    }

    @Test
    void valuesAreQuotedSoPathsAndUnitsStayStrings() {
        Map<String, String> settings = new java.util.LinkedHashMap<>();
        settings.put("a.b", "2 s");
        settings.put("c", "it's");

        assertThat(FlinkSettings.render(settings))
                .isEqualTo("# Written by replayflow cluster up\na.b: '2 s'\nc: 'it''s'\n");
    }
}
