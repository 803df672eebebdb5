package io.replayflow.cluster.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The class paths of the cluster's processes and the locations of the job jars, as the build wrote
 * them (see {@code infra/cluster/pom.xml}): {@code flink.classpath} holds what a Flink
 * distribution's {@code lib/} would (runtime, streaming, clients, log4j; no connector), {@code
 * kafka.classpath} the broker ({@code kafka_2.13} and its runtime dependencies, log4j). Both name
 * jars of the local Maven repository.
 */
public final class Classpaths {

    private static final String BASE = "/io/replayflow/cluster/";

    private Classpaths() {}

    /** The JobManager's and TaskManagers' class path. */
    public static String flink() {
        return read("flink.classpath");
    }

    /** The brokers' class path. */
    public static String kafka() {
        return read("kafka.classpath");
    }

    /** The log4j 2 configuration every process uses. */
    public static String log4jProcessConfig() {
        return resource("log4j2-process.properties");
    }

    /**
     * The shaded job jar of {@code module} ({@code ingest}, {@code replay-store}).
     *
     * @throws IllegalStateException if none of the build's candidate paths exists
     */
    public static Path jobJar(String module) {
        Properties p = new Properties();
        try {
            p.load(new java.io.StringReader(resource("job-jars.properties")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String candidates = p.getProperty(module);
        if (candidates == null) {
            throw new IllegalArgumentException("no job jar is known for module '" + module + "'");
        }
        List<String> tried = new ArrayList<>();
        for (String candidate : candidates.split("\\|")) {
            Path jar = Path.of(candidate).normalize();
            if (Files.isRegularFile(jar)) {
                return jar;
            }
            tried.add(jar.toString());
        }
        throw new IllegalStateException(
                "the "
                        + module
                        + " job jar is missing (looked at "
                        + String.join(", ", tried)
                        + "): build it with './mvnw -q -B -DskipTests -pl "
                        + module
                        + " install'");
    }

    private static String read(String name) {
        String classpath = resource(name).trim();
        for (String jar : classpath.split(java.io.File.pathSeparator)) {
            if (!Files.exists(Path.of(jar))) {
                throw new IllegalStateException(
                        name
                                + " names "
                                + jar
                                + ", which does not exist: rebuild infra/cluster ('./mvnw -q -B"
                                + " -DskipTests -pl infra/cluster install') to refresh it");
            }
        }
        return classpath;
    }

    private static String resource(String name) {
        try (InputStream in = Classpaths.class.getResourceAsStream(BASE + name)) {
            if (in == null) {
                throw new IllegalStateException(
                        "resource "
                                + BASE
                                + name
                                + " is missing: build infra/cluster with Maven (it is generated)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource " + name, e);
        }
    }
}
