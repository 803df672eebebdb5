package io.replayflow.cli;

import io.replayflow.ingest.republish.LogReplay;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code replayflow log replay}: the experience log, re-published. */
@Command(
        name = "log",
        mixinStandardHelpOptions = true,
        description = "Work with the experience log.",
        subcommands = {LogCommand.Replay.class})
final class LogCommand {

    @Command(
            name = "replay",
            mixinStandardHelpOptions = true,
            description = {
                "Re-publish a range of the experience log to a Kafka topic in event-time order,"
                        + " with the original keys (episode id) and identities, record timestamps"
                        + " = event times: drive a new pipeline version with old data. Prints one"
                        + " line per hour of the log, then one JSON line."
            })
    static final class Replay implements Callable<Integer> {

        @Spec CommandSpec spec;

        @Mixin KafkaClientConfig kafka;

        @Option(names = "--data", required = true, paramLabel = "DIR", description = "Data root.")
        Path data;

        @Option(names = "--env", paramLabel = "ENV", description = "Only this environment.")
        String env;

        @Option(
                names = "--from",
                paramLabel = "INSTANT",
                description = "First event time included, ISO-8601 (2026-11-20T00:00:00Z).")
        String from;

        @Option(
                names = "--to",
                paramLabel = "INSTANT",
                description = "First event time excluded, ISO-8601.")
        String to;

        @Option(
                names = "--bootstrap",
                required = true,
                paramLabel = "HOST:PORT",
                description = "Kafka bootstrap servers.")
        String bootstrap;

        @Option(
                names = "--topic",
                required = true,
                paramLabel = "T",
                description = "Topic to publish to (e.g. rf.transitions of a new pipeline).")
        String topic;

        @Option(
                names = "--speed",
                paramLabel = "X",
                description = "Keep the log's event-time gaps, divided by X (1 = real time).")
        Double speed;

        @Option(
                names = "--max-rate",
                paramLabel = "R",
                description =
                        "At most R records per second (default: as fast as Kafka takes them).")
        Double maxRate;

        @Override
        public Integer call() throws Exception {
            if (!Files.isDirectory(data)) {
                throw new UsageError("--data " + data + " is not a directory; give the data root");
            }
            if (speed != null && maxRate != null) {
                throw new UsageError("give --speed or --max-rate, not both");
            }
            if ((speed != null && !(speed > 0)) || (maxRate != null && !(maxRate > 0))) {
                throw new UsageError("--speed and --max-rate must be greater than 0");
            }
            LogReplay.Settings settings;
            try {
                settings =
                        new LogReplay.Settings(
                                data.toAbsolutePath().toUri(),
                                env,
                                from == null ? Long.MIN_VALUE : instant("--from", from),
                                to == null ? Long.MAX_VALUE : instant("--to", to),
                                topic,
                                speed == null ? 0 : speed,
                                maxRate == null ? 0 : maxRate);
            } catch (IllegalArgumentException e) {
                throw new UsageError(e.getMessage());
            }
            PrintWriter out = spec.commandLine().getOut();
            LogReplay.Progress done;
            try (KafkaProducer<byte[], byte[]> producer =
                    new KafkaProducer<>(producerProperties())) {
                done =
                        new LogReplay(settings, producer)
                                .run(
                                        p -> {
                                            out.printf(
                                                    Locale.ROOT,
                                                    "hour %d/%d | %,d records | %.1f s%n",
                                                    p.hoursDone(),
                                                    p.hoursTotal(),
                                                    p.records(),
                                                    p.elapsed().toNanos() / 1e9);
                                            out.flush();
                                        });
            }
            out.printf(
                    Locale.ROOT,
                    "{\"topic\": \"%s\", \"records\": %d, \"hours\": %d, \"seconds\": %.3f}%n",
                    topic,
                    done.records(),
                    done.hoursTotal(),
                    done.elapsed().toNanos() / 1e9);
            out.flush();
            return ReplayFlow.EXIT_OK;
        }

        private Map<String, Object> producerProperties() {
            Map<String, Object> props = new HashMap<>(kafka.properties());
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            props.put(ProducerConfig.CLIENT_ID_CONFIG, "replayflow-log-replay");
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
            props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
            props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
            return props;
        }

        private static long instant(String flag, String text) {
            try {
                return Instant.parse(text).toEpochMilli();
            } catch (DateTimeParseException e) {
                throw new UsageError(
                        flag
                                + " '"
                                + text
                                + "' is not an ISO-8601 instant such as 2026-11-21T00:00:00Z");
            }
        }
    }
}
