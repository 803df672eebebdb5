package io.replayflow.cluster.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Starts a detached JVM: its class path in the {@code CLASSPATH} environment variable (so {@code
 * ps} stays readable), stdout and stderr appended to {@code <logs>/<name>.out}, log4j 2 configured
 * from {@code log4j2.properties} of the cluster directory. The child outlives this JVM; the caller
 * records it in a {@link ProcessRegistry}.
 *
 * <p>Every JVM gets {@code -Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.replayflow.schemas.avro}
 * (Avro 1.12.2's trust list, see docs/STACK.md), IPv4 and the serial collector (small heaps, few
 * cores).
 */
public final class JvmLauncher {

    /** Avro 1.12.2 instantiates generated classes only from these packages. */
    public static final String AVRO_TRUST =
            "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=io.replayflow.schemas.avro";

    private final Path logs;
    private final Path log4jConfig;

    /** What to run. */
    public record Command(
            String name,
            String mainClass,
            String classpath,
            List<String> jvmArgs,
            List<String> args) {
        public Command {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(mainClass, "mainClass");
            Objects.requireNonNull(classpath, "classpath");
            jvmArgs = List.copyOf(jvmArgs);
            args = List.copyOf(args);
        }
    }

    public JvmLauncher(Path logs, Path log4jConfig) {
        this.logs = logs;
        this.log4jConfig = log4jConfig;
    }

    /** The {@code java} of the running JVM. */
    public static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The file a process's output goes to. */
    public Path outFile(String name) {
        return logs.resolve(name + ".out");
    }

    /** Starts {@code command} and returns at once; the process runs on. */
    public Process start(Command command) {
        List<String> line = new ArrayList<>();
        line.add(javaBinary());
        line.add("-XX:+UseSerialGC");
        line.add("-Djava.net.preferIPv4Stack=true");
        line.add(AVRO_TRUST);
        line.add("-Dlog4j.configurationFile=" + log4jConfig);
        line.add("-Dlog4j2.configurationFile=" + log4jConfig);
        line.add("-Dlog.file=" + outFile(command.name()));
        line.add("-Dreplayflow.process=" + command.name());
        line.addAll(command.jvmArgs());
        line.add(command.mainClass());
        line.addAll(command.args());
        ProcessBuilder builder = new ProcessBuilder(line);
        builder.environment().put("CLASSPATH", command.classpath());
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(outFile(command.name()).toFile()));
        try {
            Files.createDirectories(logs);
            Process process = builder.start();
            process.getOutputStream().close(); // no input: the child sees end-of-file
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot start " + command.name() + " (" + command.mainClass() + ")", e);
        }
    }

    /** The last {@code lines} lines of a process's output, for error messages. */
    public String tail(String name, int lines) {
        Path file = outFile(name);
        try {
            List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no output in " + file + ")";
        }
    }
}
