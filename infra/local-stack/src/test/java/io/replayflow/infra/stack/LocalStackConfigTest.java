package io.replayflow.infra.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.replayflow.schemas.Topics;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStackConfigTest {

    @TempDir Path tmp;

    @Test
    void defaults() {
        LocalStackConfig config = LocalStack.builder().config();

        assertThat(config.dataDir()).isEmpty();
        assertThat(config.keepData()).isFalse();
        assertThat(config.kafkaPort()).isZero();
        assertThat(config.partitions()).isEqualTo(4);
        assertThat(config.topics()).isEqualTo(Topics.defaults());
        assertThat(config.withFlink()).isTrue();
        assertThat(config.totalSlots()).isEqualTo(2);
    }

    @Test
    void topicPrefixReplacesRf() {
        LocalStackConfig config = LocalStack.builder().topicPrefix("team-a.").config();

        assertThat(config.topics().transitions()).isEqualTo("team-a.transitions");
        assertThat(config.topics().policies()).isEqualTo("team-a.policies");
    }

    @Test
    void rejectsPortOutOfRange() {
        assertThatThrownBy(() -> LocalStack.builder().kafkaPort(70_000).config())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "kafkaPort must be between 1 and 65535, or 0 to pick a free port; was"
                                + " 70000");
        assertThatThrownBy(() -> LocalStack.builder().flinkRestPort(-1).config())
                .hasMessageStartingWith("flinkRestPort must be between 1 and 65535");
    }

    @Test
    void rejectsPortInUseNamingItAndTheFix() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 0, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();

            assertThatThrownBy(() -> LocalStack.builder().kafkaPort(port).config())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(
                            "kafkaPort "
                                    + port
                                    + " is already in use on 127.0.0.1: pick another port, or"
                                    + " pass 0 to choose a free one");
            assertThatThrownBy(() -> LocalStack.builder().flinkRestPort(port).config())
                    .hasMessageStartingWith("flinkRestPort " + port + " is already in use");
        }
    }

    @Test
    void flinkRestPortIsNotCheckedWithoutFlink() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 0, InetAddress.getByName("127.0.0.1"))) {
            LocalStackConfig config =
                    LocalStack.builder()
                            .withFlink(false)
                            .flinkRestPort(taken.getLocalPort())
                            .config();

            assertThat(config.withFlink()).isFalse();
        }
    }

    @Test
    void rejectsSamePortForKafkaAndFlink() {
        assertThatThrownBy(
                        () -> LocalStack.builder().kafkaPort(47_123).flinkRestPort(47_123).config())
                .hasMessage(
                        "flinkRestPort and kafkaPort are both 47123: pick different ports, or pass"
                                + " 0 for either to choose a free one");
    }

    @Test
    void rejectsTooFewPartitions() {
        assertThatThrownBy(() -> LocalStack.builder().partitions(0).config())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("partitions must be at least 1, was 0: pass 1 or more");
    }

    @Test
    void rejectsBadFlinkShape() {
        assertThatThrownBy(() -> LocalStack.builder().taskManagers(0).config())
                .hasMessage(
                        "taskManagers must be at least 1, was 0: pass 1 or more, or"
                                + " withFlink(false) for a Kafka-only stack");
        assertThatThrownBy(() -> LocalStack.builder().slotsPerTaskManager(0).config())
                .hasMessage("slotsPerTaskManager must be at least 1, was 0: pass 1 or more");
        assertThatThrownBy(
                        () -> LocalStack.builder().taskManagers(8).slotsPerTaskManager(9).config())
                .hasMessageStartingWith("taskManagers x slotsPerTaskManager is 72");
    }

    @Test
    void rejectsIllegalTopicPrefix() {
        assertThatThrownBy(() -> LocalStack.builder().topicPrefix("my topics/").config())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("topic prefix 'my topics/'")
                .hasMessageContaining("use only letters, digits, '.', '_' and '-'");
    }

    @Test
    void rejectsDataDirThatIsAFile() throws IOException {
        Path file = Files.createFile(tmp.resolve("not-a-dir"));

        assertThatThrownBy(() -> LocalStack.builder().dataDir(file).config())
                .hasMessage(
                        "dataDir "
                                + file
                                + " exists but is not a directory: pass a directory, or leave"
                                + " dataDir unset to use a fresh temporary directory");
    }

    @Test
    void rejectsDataDirThatIsNotWritable() throws IOException {
        Path readOnly = Files.createDirectory(tmp.resolve("read-only"));
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
        assumeFalse(Files.isWritable(readOnly), "running as a user who can write anywhere");
        Path dataDir = readOnly.resolve("stack");

        assertThatThrownBy(() -> LocalStack.builder().dataDir(dataDir).config())
                .hasMessage(
                        "dataDir "
                                + dataDir
                                + " is not writable (its nearest existing parent "
                                + readOnly
                                + " is not): choose a directory you can write to, or leave"
                                + " dataDir unset to use a fresh temporary directory");
    }

    @Test
    void acceptsMissingDataDirUnderWritableParent() {
        Path dataDir = tmp.resolve("a/b/c");

        assertThat(LocalStack.builder().dataDir(dataDir).config().dataDir()).contains(dataDir);
    }

    @Test
    void rejectsBrokerPropertiesTheStackOwns() {
        assertThatThrownBy(
                        () ->
                                LocalStack.builder()
                                        .brokerProperty("listeners", "PLAINTEXT://:9092")
                                        .config())
                .hasMessage(
                        "brokerProperties may not set 'listeners': LocalStack owns it (use"
                                + " kafkaPort to choose the client port)");
        assertThatThrownBy(() -> LocalStack.builder().brokerProperty("log.dirs", "/x").config())
                .hasMessageContaining("use dataDir");
    }

    @Test
    void acceptsOtherBrokerProperties() {
        LocalStackConfig config =
                LocalStack.builder().brokerProperty("log.retention.hours", "1").config();

        assertThat(config.brokerProperties()).containsEntry("log.retention.hours", "1");
    }

    @Test
    void rejectsFlinkSettingsWithOptionsOfTheirOwn() {
        Configuration flink = new Configuration();
        flink.setString("taskmanager.numberOfTaskSlots", "8");

        assertThatThrownBy(() -> LocalStack.builder().flinkConfiguration(flink).config())
                .hasMessage(
                        "flinkConfiguration may not set 'taskmanager.numberOfTaskSlots':"
                                + " LocalStack owns it (use slotsPerTaskManager)");
    }

    @Test
    void configIsImmutable() {
        LocalStackConfig config = LocalStack.builder().brokerProperty("a.b", "c").config();

        assertThatThrownBy(() -> config.brokerProperties().put("x", "y"))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
