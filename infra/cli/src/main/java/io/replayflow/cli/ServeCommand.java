package io.replayflow.cli;

import io.replayflow.actor.serve.DecisionService;
import io.replayflow.actor.serve.ServeConfig;
import io.replayflow.actor.serve.ServeOptions;
import io.replayflow.schemas.config.OptionTable;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * {@code replayflow serve}: the HTTP/JSON decision service for applications outside the JVM. Every
 * flag is a key of {@link ServeOptions} (its default shown in {@code --help} is the table's);
 * {@code --set KEY=VALUE} sets any other key.
 */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        defaultValueProvider = ServeCommand.TableDefaults.class,
        description = {
            "Serve decisions over HTTP/JSON: POST /v1/decisions, /v1/rewards,"
                    + " /v1/sessions/{id}/end (and /batch forms), GET /healthz, /openapi.json,"
                    + " /metrics. Acts with the newest verified version of --policy announced on"
                    + " rf.policies (uniform random as version 0 before any), logs every decision"
                    + " to rf.decisions and every reward and end to rf.outcomes before answering."
                    + " Runs until interrupted (Ctrl-C). Settings: docs/CONFIG.md, section"
                    + " 'Decision service'."
        })
final class ServeCommand implements Callable<Integer> {

    /** Each flag and the {@link ServeOptions} key it sets. */
    static final Map<String, String> FLAG_KEYS =
            Map.ofEntries(
                    Map.entry("--bootstrap", ServeOptions.BOOTSTRAP_SERVERS.key()),
                    Map.entry("--policy", ServeOptions.POLICY_NAME.key()),
                    Map.entry("--port", ServeOptions.PORT.key()),
                    Map.entry("--host", ServeOptions.HOST.key()),
                    Map.entry("--env", ServeOptions.ENV.key()),
                    Map.entry("--epsilon", ServeOptions.EPSILON.key()),
                    Map.entry("--max-batch", ServeOptions.MAX_BATCH.key()),
                    Map.entry("--batch-wait-us", ServeOptions.MAX_WAIT_MICROS.key()),
                    Map.entry("--max-body", ServeOptions.MAX_BODY.key()),
                    Map.entry("--http-threads", ServeOptions.HTTP_THREADS.key()),
                    Map.entry("--session-idle", ServeOptions.SESSION_IDLE.key()),
                    Map.entry("--service-id", ServeOptions.SERVICE_ID.key()),
                    Map.entry("--policy-root", ServeOptions.POLICY_ROOT.key()),
                    Map.entry("--topic-prefix", ServeOptions.TOPIC_PREFIX.key()));

    /** The defaults {@code --help} shows: the option table's, so the two cannot drift. */
    static final class TableDefaults implements IDefaultValueProvider {
        @Override
        public String defaultValue(ArgSpec arg) {
            if (!(arg instanceof OptionSpec option)) {
                return null;
            }
            String key = FLAG_KEYS.get(option.longestName());
            return key == null
                    ? null
                    : ServeOptions.table()
                            .entry(key)
                            .map(OptionTable.Entry::defaultText)
                            .filter(text -> !text.startsWith("("))
                            .orElse(null);
        }
    }

    @Spec CommandSpec spec;

    @Mixin KafkaClientConfig kafka;

    @Option(
            names = "--bootstrap",
            required = true,
            paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers.")
    String bootstrap;

    @Option(
            names = "--policy",
            required = true,
            paramLabel = "NAME",
            description = "Policy name to serve (its versions on rf.policies).")
    String policy;

    @Option(
            names = "--port",
            paramLabel = "P",
            description = "HTTP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    String port;

    @Option(names = "--host", description = "Interface to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(
            names = "--env",
            description =
                    "Environment id whose observation size and action count requests must match;"
                            + " written as env_id of each decision (default: ${DEFAULT-VALUE}).")
    String env;

    @Option(
            names = "--epsilon",
            description =
                    "Exploration rate of epsilon-greedy around a greedy policy, in [0, 1]"
                            + " (default: ${DEFAULT-VALUE}).")
    String epsilon;

    @Option(
            names = "--max-batch",
            paramLabel = "N",
            description = "Most decisions in one policy call (default: ${DEFAULT-VALUE}).")
    String maxBatch;

    @Option(
            names = "--batch-wait-us",
            paramLabel = "MICROS",
            description =
                    "Longest the first request of a batch waits for others, in microseconds"
                            + " (default: ${DEFAULT-VALUE}).")
    String batchWaitMicros;

    @Option(
            names = "--max-body",
            paramLabel = "SIZE",
            description =
                    "Largest request body accepted, in bytes or with k/m (default:"
                            + " ${DEFAULT-VALUE}).")
    String maxBody;

    @Option(
            names = "--http-threads",
            paramLabel = "N",
            description = "Most threads of the HTTP server (default: ${DEFAULT-VALUE}).")
    String httpThreads;

    @Option(
            names = "--session-idle",
            paramLabel = "DURATION",
            description =
                    "A session without calls this long is forgotten; its end is then refused"
                            + " (default: ${DEFAULT-VALUE}).")
    String sessionIdle;

    @Option(
            names = "--service-id",
            paramLabel = "ID",
            description =
                    "Names this instance in the log (the joined transitions' actor_id; default:"
                            + " serve-<pid>).")
    String serviceId;

    @Option(
            names = "--policy-root",
            paramLabel = "DIR",
            description = "Load policy artifacts only from under DIR (e.g. <data>/policies).")
    String policyRoot;

    @Option(
            names = "--topic-prefix",
            paramLabel = "PREFIX",
            description = "Replaces 'rf.' in every topic name (default: ${DEFAULT-VALUE}).")
    String topicPrefix;

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description =
                    "Any serve.* or kafka.* key of docs/CONFIG.md (e.g."
                            + " serve.producer.linger.ms=2), repeatable.")
    List<String> settings = List.of();

    @Override
    public Integer call() throws Exception {
        ServeConfig config = config();
        PrintWriter out = spec.commandLine().getOut();
        DecisionService service = DecisionService.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    service.close();
                                    stopped.countDown();
                                },
                                "replayflow-serve-shutdown"));
        out.printf(
                "Decision service for policy '%s' on %s (acting with v%d). Ctrl-C stops it.%n",
                config.policy(), service.uri(), service.holder().version());
        out.flush();
        stopped.await();
        return ReplayFlow.EXIT_OK;
    }

    /** The flags given and the --set pairs, as keys of {@link ServeOptions}, validated. */
    private ServeConfig config() {
        Map<String, String> keys = new LinkedHashMap<>();
        Map<String, String> flagOfKey = new HashMap<>();
        ParseResult parsed = spec.commandLine().getParseResult();
        for (OptionSpec option : spec.options()) {
            String key = FLAG_KEYS.get(option.longestName());
            if (key != null && parsed.hasMatchedOption(option)) {
                keys.put(key, String.valueOf((Object) option.getValue()));
                flagOfKey.put(key, option.longestName());
            }
        }
        kafka.properties().forEach((k, v) -> keys.put(ServeOptions.KAFKA_PREFIX + k, v));
        for (String pair : settings) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new UsageError(
                        "--set " + pair + " is not KEY=VALUE, e.g. --set serve.epsilon=0.1");
            }
            String key = pair.substring(0, eq).strip();
            if (flagOfKey.containsKey(key)) {
                throw new UsageError(
                        "--set " + key + " repeats " + flagOfKey.get(key) + ": give one of them");
            }
            keys.put(key, pair.substring(eq + 1).strip());
        }
        return config(keys, flagOfKey);
    }

    /**
     * Validates settings into a config; shared with {@code stack --serve-port}. A refusal becomes a
     * usage error naming the key, and the flag that set it where one did.
     */
    static ServeConfig config(Map<String, String> keys, Map<String, String> flagOfKey) {
        try {
            return ServeOptions.parse(keys);
        } catch (IllegalArgumentException e) {
            String message = e.getMessage();
            for (Map.Entry<String, String> f : flagOfKey.entrySet()) {
                if (message.startsWith(f.getKey())) {
                    message = f.getValue() + ": " + message;
                    break;
                }
            }
            throw new UsageError(message);
        }
    }
}
