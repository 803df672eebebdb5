package io.replayflow.cluster;

import io.replayflow.cluster.internal.Classpaths;
import java.nio.file.Path;

/** The shaded job jars a client ships to a real Flink cluster with a job it submits. */
public final class JobJars {

    private JobJars() {}

    /**
     * The replay-store job jar (classifier {@code job}), which also carries the backfill.
     *
     * @throws IllegalStateException when it is not built, naming the build command
     */
    public static Path replayStore() {
        return Classpaths.jobJar("replay-store");
    }
}
