package io.replayflow.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProcessRegistryTest {

    @TempDir Path dir;

    @Test
    void aSecondRegistryOnTheSameDirectoryFindsAndStopsTheProcess() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        new ProcessRegistry(dir).register("sleeper", sleeper.toHandle());

        ProcessRegistry other = new ProcessRegistry(dir);
        assertThat(other.find("sleeper")).map(ProcessHandle::pid).contains(sleeper.pid());
        assertThat(other.stop("sleeper", Duration.ofSeconds(5))).isTrue();

        assertThat(sleeper.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(other.entries()).isEmpty();
    }

    @Test
    void aPidFileOfAnExitedProcessIsListedAsGoneAndNeverKilled() throws Exception {
        Process done = new ProcessBuilder("true").start();
        done.waitFor();
        ProcessRegistry registry = new ProcessRegistry(dir);
        registry.register("done", done.toHandle());

        assertThat(registry.find("done")).isEmpty();
        assertThat(registry.entries())
                .singleElement()
                .satisfies(e -> assertThat(e.alive()).isFalse());
        assertThat(registry.stop("done", Duration.ZERO)).isFalse();
    }

    @Test
    void aRecycledPidWithAnotherStartTimeIsNotTheRegisteredProcess() throws Exception {
        ProcessHandle self = ProcessHandle.current();
        Files.createDirectories(dir.resolve("pids"));
        Files.writeString(dir.resolve("pids/impostor.pid"), self.pid() + " 1000\n");

        assertThat(new ProcessRegistry(dir).find("impostor")).isEmpty();
    }

    @Test
    void stopAllTerminatesSeveralAtOnce() throws Exception {
        Process a = new ProcessBuilder("sleep", "60").start();
        Process b = new ProcessBuilder("sleep", "60").start();
        ProcessRegistry registry = new ProcessRegistry(dir);
        registry.register("a", a.toHandle());
        registry.register("b", b.toHandle());

        registry.stopAll(List.of("a", "b"), Duration.ofSeconds(5));

        assertThat(a.waitFor(10, TimeUnit.SECONDS) && b.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(registry.entries()).isEmpty();
    }
}
