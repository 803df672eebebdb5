package io.replayflow.cluster.flink;

import io.replayflow.cluster.ClusterConfig;
import io.replayflow.cluster.ClusterException;
import io.replayflow.cluster.internal.Classpaths;
import io.replayflow.cluster.internal.Deadline;
import io.replayflow.cluster.internal.JvmLauncher;
import io.replayflow.cluster.internal.ProcessRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;

/**
 * The Flink side of a {@link io.replayflow.cluster.LocalCluster}: a standalone session cluster from
 * Flink's Maven jars (no {@code flink-dist} exists for 2.x), one JobManager JVM ({@code
 * StandaloneSessionClusterEntrypoint}) and TaskManager JVMs ({@code TaskManagerRunner}), all
 * reading {@code <dir>/flink/conf/config.yaml} ({@link FlinkSettings}).
 *
 * <p>A TaskManager needs the memory flags and {@code -D} properties that Flink's start scripts get
 * from {@code BashJavaUtils GET_TM_RESOURCE_PARAMS}; they are computed here with the same Flink
 * classes ({@link TaskExecutorProcessUtils}, {@link ProcessMemoryUtils}). TaskManagers are named
 * {@code taskmanager-1}, {@code taskmanager-2}, ... (also their Flink resource id); a replacement
 * gets the next number.
 */
public final class FlinkClusterProcess {

    public static final String JOB_MANAGER_MAIN =
            "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    public static final String TASK_MANAGER_MAIN =
            "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";

    /** The JobManager's registry name. */
    public static final String JOB_MANAGER = "jobmanager";

    /**
     * The module flags Flink's own start scripts pass on Java 17 ({@code env.java.default-opts.all}
     * of a distribution's default {@code config.yaml}); without them, for one, the DataStream API
     * cannot register its translators when a job's {@code main} runs in the JobManager.
     */
    static final List<String> JAVA_17_FLAGS =
            List.of(
                    "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
                    "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
                    "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang=ALL-UNNAMED",
                    "--add-opens=java.base/java.net=ALL-UNNAMED",
                    "--add-opens=java.base/java.io=ALL-UNNAMED",
                    "--add-opens=java.base/java.nio=ALL-UNNAMED",
                    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
                    "--add-opens=java.base/java.text=ALL-UNNAMED",
                    "--add-opens=java.base/java.time=ALL-UNNAMED",
                    "--add-opens=java.base/java.util=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    static final String TASK_MANAGER_PREFIX = "taskmanager-";
    private static final java.util.regex.Pattern LOG_NAME =
            java.util.regex.Pattern.compile(TASK_MANAGER_PREFIX + "(\\d+)\\.out");
    private static final Duration POLL = Duration.ofMillis(500);

    private final ClusterConfig config;
    private final ProcessRegistry registry;
    private final JvmLauncher launcher;
    private final JobSubmitter rest;

    public FlinkClusterProcess(
            ClusterConfig config, ProcessRegistry registry, JvmLauncher launcher) {
        this.config = config;
        this.registry = registry;
        this.launcher = launcher;
        this.rest = new JobSubmitter(config.flinkRestUrl());
    }

    /** A REST client of this cluster's JobManager. */
    public JobSubmitter jobs() {
        return rest;
    }

    /**
     * Writes the configuration, starts the JobManager and {@link ClusterConfig#taskManagers()}
     * TaskManagers (those not running), and waits until they are all registered.
     */
    public void start(Duration timeout) throws InterruptedException {
        Deadline deadline = Deadline.in(timeout);
        writeConfig();
        if (registry.find(JOB_MANAGER).isEmpty()) {
            Process jm =
                    launcher.start(
                            new JvmLauncher.Command(
                                    JOB_MANAGER,
                                    JOB_MANAGER_MAIN,
                                    Classpaths.flink(),
                                    jobManagerFlags(),
                                    List.of("--configDir", confDir().toString())));
            registry.register(JOB_MANAGER, jm.toHandle());
        }
        for (int i = runningTaskManagers().size(); i < config.taskManagers(); i++) {
            startTaskManager();
        }
        awaitTaskManagers(config.taskManagers(), deadline.remaining());
    }

    /** Starts one more TaskManager and returns its name; does not wait for it to register. */
    public String startTaskManager() {
        int next = lastTaskManagerNumber() + 1;
        String name = TASK_MANAGER_PREFIX + next;
        List<String> args = new ArrayList<>(List.of("--configDir", confDir().toString()));
        args.addAll(dynamicProperties());
        args.add("-D");
        args.add("taskmanager.resource-id=" + name);
        args.add("-D");
        args.add("io.tmp.dirs=" + config.dir().resolve("flink").resolve("tmp").resolve(name));
        Process tm =
                launcher.start(
                        new JvmLauncher.Command(
                                name,
                                TASK_MANAGER_MAIN,
                                Classpaths.flink(),
                                taskManagerFlags(),
                                args));
        registry.register(name, tm.toHandle());
        return name;
    }

    /** {@code kill -9} of a TaskManager; returns once the process is gone. */
    public void killTaskManager(String name) {
        if (!name.startsWith(TASK_MANAGER_PREFIX) || !registry.stop(name, Duration.ZERO)) {
            throw new ClusterException(
                    "no running TaskManager '" + name + "'; running: " + runningTaskManagers());
        }
    }

    /** The names of the live TaskManager processes, oldest first. */
    public List<String> runningTaskManagers() {
        return registry.entries().stream()
                .filter(ProcessRegistry.Entry::alive)
                .map(ProcessRegistry.Entry::name)
                .filter(n -> n.startsWith(TASK_MANAGER_PREFIX))
                .sorted((a, b) -> Integer.compare(number(a), number(b)))
                .toList();
    }

    /** Waits until at least {@code count} TaskManagers are registered with the JobManager. */
    public void awaitTaskManagers(int count, Duration timeout) throws InterruptedException {
        Deadline deadline = Deadline.in(timeout);
        boolean ready =
                deadline.await(
                        () -> {
                            if (registry.find(JOB_MANAGER).isEmpty()) {
                                throw new ClusterException(
                                        "the JobManager exited; last lines of its log:\n"
                                                + launcher.tail(JOB_MANAGER, 15));
                            }
                            return registeredTaskManagers() >= count;
                        },
                        POLL);
        if (!ready) {
            throw new ClusterException(
                    registeredTaskManagers()
                            + " of "
                            + count
                            + " TaskManagers registered after "
                            + timeout.toSeconds()
                            + " s; see "
                            + config.dir().resolve("logs"));
        }
    }

    /** TaskManagers registered with the JobManager (-1 if its REST endpoint does not answer). */
    public int registeredTaskManagers() {
        try {
            return rest.overview().path("taskmanagers").asInt(-1);
        } catch (IOException | RuntimeException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The resource ids (= process names) of the TaskManagers registered with the JobManager. */
    public List<String> registeredTaskManagerIds() throws IOException, InterruptedException {
        List<String> ids = new ArrayList<>();
        for (com.fasterxml.jackson.databind.JsonNode tm : rest.taskManagers()) {
            ids.add(tm.path("id").asText());
        }
        return ids;
    }

    /** Stops the TaskManagers, then the JobManager: SIGTERM, SIGKILL after {@code grace}. */
    public void stop(Duration grace) {
        registry.stopAll(
                registry.entries().stream()
                        .map(ProcessRegistry.Entry::name)
                        .filter(n -> n.startsWith(TASK_MANAGER_PREFIX))
                        .toList(),
                grace);
        registry.stop(JOB_MANAGER, grace);
    }

    /** The directory holding {@code config.yaml}. */
    public Path confDir() {
        return config.dir().resolve("flink").resolve("conf");
    }

    private void writeConfig() {
        try {
            Files.createDirectories(confDir());
            for (String sub : List.of("checkpoints", "savepoints", "uploads", "web", "tmp")) {
                Files.createDirectories(config.dir().resolve("flink").resolve(sub));
            }
            Files.writeString(
                    confDir().resolve("config.yaml"),
                    FlinkSettings.render(FlinkSettings.of(config)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the Flink configuration", e);
        }
    }

    private TaskExecutorProcessSpec processSpec() {
        Map<String, String> settings = FlinkSettings.of(config);
        return TaskExecutorProcessUtils.processSpecFromConfig(Configuration.fromMap(settings));
    }

    private List<String> jobManagerFlags() {
        List<String> flags = new ArrayList<>(JAVA_17_FLAGS);
        flags.add("-Xmx" + config.jobManagerHeapMb() + "m");
        flags.add("-Xms" + Math.min(128, config.jobManagerHeapMb()) + "m");
        flags.add("-XX:MaxMetaspaceSize=384m"); // each submission runs a job jar's main here
        return flags;
    }

    /**
     * The Java 17 flags, then {@code -Xmx -Xms -XX:MaxDirectMemorySize -XX:MaxMetaspaceSize} as
     * BashJavaUtils prints them.
     */
    private List<String> taskManagerFlags() {
        List<String> flags = new ArrayList<>(JAVA_17_FLAGS);
        flags.addAll(memoryFlags());
        return flags;
    }

    private List<String> memoryFlags() {
        return Arrays.asList(
                ProcessMemoryUtils.generateJvmParametersStr(processSpec()).trim().split("\\s+"));
    }

    /** {@code -D taskmanager.memory.*=...b} and the CPU cores, as BashJavaUtils prints. */
    private List<String> dynamicProperties() {
        return Arrays.asList(
                TaskExecutorProcessUtils.generateDynamicConfigsStr(processSpec())
                        .trim()
                        .split("\\s+"));
    }

    /**
     * The highest TaskManager number ever started in this cluster directory, from the registry and
     * the log files (a killed TaskManager's pid file is gone, its log stays), so a replacement
     * never reuses the name (= Flink resource id) of a dead one.
     */
    private int lastTaskManagerNumber() {
        int last = 0;
        for (ProcessRegistry.Entry e : registry.entries()) {
            if (e.name().startsWith(TASK_MANAGER_PREFIX)) {
                last = Math.max(last, number(e.name()));
            }
        }
        Path logs = config.dir().resolve("logs");
        if (Files.isDirectory(logs)) {
            try (java.util.stream.Stream<Path> files = Files.list(logs)) {
                for (Path f : files.toList()) {
                    java.util.regex.Matcher m = LOG_NAME.matcher(f.getFileName().toString());
                    if (m.matches()) {
                        last = Math.max(last, Integer.parseInt(m.group(1)));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + logs, e);
            }
        }
        return last;
    }

    private static int number(String taskManager) {
        return Integer.parseInt(taskManager.substring(TASK_MANAGER_PREFIX.length()));
    }
}
