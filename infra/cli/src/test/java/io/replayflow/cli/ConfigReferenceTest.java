package io.replayflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.actor.ActorOptions;
import io.replayflow.actor.serve.ServeOptions;
import io.replayflow.cli.lifecycle.ControllerOptions;
import io.replayflow.ingest.IngestOptions;
import io.replayflow.ingest.join.JoinOptions;
import io.replayflow.replay.job.ReplayStoreOptions;
import io.replayflow.trainer.TrainerOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code docs/CONFIG.md}, the one configuration reference, is generated from every module's options
 * class (this module sees them all); this test fails when the file is stale. Regenerate it with
 * {@value #REGENERATE} and commit the file ({@code -am} builds the modules from their sources, so
 * the table is not read from stale jars in the local repository).
 */
@Timeout(30)
class ConfigReferenceTest {

    static final String REGENERATE =
            "./mvnw -pl infra/cli -am test -Dtest=ConfigReferenceTest -Dreplayflow.docs.write=true"
                    + " -Dsurefire.failIfNoSpecifiedTests=false";

    /** One options class: its heading, how its keys are set, and its Markdown table. */
    record Section(String title, String optionsClass, String howToSet, String table) {

        String anchor() {
            return title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 -]", "").replace(' ', '-');
        }
    }

    static List<Section> sections() {
        return List.of(
                new Section(
                        "Actors (actor-service)",
                        ActorOptions.class.getName(),
                        "Keys of a map read by `ActorOptions.parse` (a properties file, `-D`"
                                + " flags); `./replayflow actors` takes the common ones as flags."
                                + " Kafka client settings (security, tuning) pass through with the"
                                + " prefix `kafka.properties.` (formerly `actor.kafka.`), producer"
                                + " settings with `actor.producer.`.",
                        ActorOptions.table().markdown()),
                new Section(
                        "Decision service (actor-service)",
                        ServeOptions.class.getName(),
                        "Keys of a map read by `ServeOptions.parse`; `./replayflow serve` takes the"
                                + " common ones as flags (each flag's default in `--help` is the"
                                + " key's) and any key with `--set KEY=VALUE`. Kafka client"
                                + " settings pass through with `kafka.properties.`, settings of"
                                + " the log's producer alone with `serve.producer.`.",
                        ServeOptions.table().markdown()),
                new Section(
                        "Ingest job (ingest)",
                        IngestOptions.class.getName(),
                        "The same keys work as `--key value` program arguments of `flink run`, as"
                            + " `-Dkey=value` dynamic properties, in a Flink `config.yaml`, and"
                            + " through `IngestConfig.builder()`. Durations read like `10 s`, `5"
                            + " min`, `1 h`; memory sizes like `64 mb`. Kafka client settings"
                            + " (security, tuning) pass through with the prefix `"
                                + IngestOptions.KAFKA_PROPERTIES_PREFIX
                                + "`.",
                        IngestOptions.table().markdown()),
                new Section(
                        "Join job (ingest)",
                        JoinOptions.class.getName(),
                        "The decisions-and-outcomes join (`io.replayflow.ingest.join.JoinJob`):"
                                + " set as for the ingest job (`--key value`, `-Dkey=value`,"
                                + " `config.yaml`, `JoinConfig.builder()`). It shares the ingest"
                                + " job's Kafka connection keys, so one cluster configuration"
                                + " serves both.",
                        JoinOptions.table().markdown()),
                new Section(
                        "Replay-store job (replay-store)",
                        ReplayStoreOptions.class.getName(),
                        "Pass options to `ReplayStoreConfig.builder().set(key, value)`, or as"
                                + " `--key value` to `ReplayStoreJob`'s main.",
                        ReplayStoreOptions.table().markdown()),
                new Section(
                        "Trainer (trainer-job)",
                        TrainerOptions.class.getName(),
                        "Keys of `TrainerConfig.fromMap`; `./replayflow train --set key=value`"
                                + " sets any of them.",
                        TrainerOptions.table().markdown()),
                new Section(
                        "Lifecycle controller (infra/cli)",
                        ControllerOptions.class.getName(),
                        "`./replayflow controller --set key=value` sets any of them (see"
                                + " [LIFECYCLE.md](LIFECYCLE.md), \"Automatic mode\").",
                        ControllerOptions.table().markdown()));
    }

    /** The whole file. */
    static String render() {
        List<Section> sections = sections();
        StringBuilder md = new StringBuilder();
        md.append("# Configuration reference\n\n")
                .append("Generated from the option classes by `ConfigReferenceTest` (infra/cli);")
                .append(" edit the options, not this file. Regenerate it with\n`")
                .append(REGENERATE)
                .append("`.\n\n")
                .append("Each job and service has one options class with typed, hierarchical")
                .append(" keys, validated once into an immutable config record whose errors name")
                .append(" the key, the rule and the fix. The embedded stack and the demo")
                .append(" (`./replayflow stack`, `./replayflow demo`) have no option keys: every")
                .append(" verb's flags are listed by `./replayflow VERB --help`.\n\n")
                .append("Every options class declares Flink `ConfigOption`s in an `OptionTable`")
                .append(" (`io.replayflow.schemas.config`), so values read the same everywhere")
                .append(" (durations `250ms`, `10 s`, `5 min`, `PT2S`; sizes `256k`, `64 mb`).")
                .append(" Keys that several components read are spelled once:")
                .append(" `kafka.bootstrap.servers`, `kafka.topic-prefix`, `kafka.properties.*`")
                .append(" (Kafka client settings), `data.root` and `replay.priority.epsilon`;")
                .append(" a component's former spelling, named in its row, is still read.\n\n")
                .append("| section | options class | keys |\n|---|---|---|\n");
        for (Section s : sections) {
            md.append("| [")
                    .append(s.title())
                    .append("](#")
                    .append(s.anchor())
                    .append(") | `")
                    .append(s.optionsClass())
                    .append("` | ")
                    .append(s.table().lines().count() - 2)
                    .append(" |\n");
        }
        for (Section s : sections) {
            md.append("\n## ")
                    .append(s.title())
                    .append("\n\n`")
                    .append(s.optionsClass())
                    .append("`. ")
                    .append(s.howToSet())
                    .append("\n\n")
                    .append(s.table());
        }
        return md.toString();
    }

    /** The table rows of a module's Markdown page (its own heading and prose are left out). */
    static String tableOf(String markdown) {
        return markdown.lines()
                        .filter(line -> line.startsWith("|"))
                        .collect(Collectors.joining("\n"))
                + "\n";
    }

    @Test
    void configReferenceIsUpToDate() throws IOException {
        Path file = repositoryRoot().resolve("docs").resolve("CONFIG.md");
        String expected = render();
        if (Boolean.getBoolean("replayflow.docs.write")) {
            Files.writeString(file, expected, StandardCharsets.UTF_8);
        }
        assertThat(file).as("%s is missing; regenerate it with %s", file, REGENERATE).exists();
        assertThat(Files.readString(file, StandardCharsets.UTF_8))
                .as("%s is stale: regenerate it with %s and commit it", file, REGENERATE)
                .isEqualTo(expected);
    }

    @Test
    void everyKeyOfEveryOptionsClassIsInTheReference() {
        String md = render();
        ActorOptions.table()
                .entries()
                .forEach(e -> assertThat(md).contains("| `" + e.key() + "` |"));
        ServeOptions.table()
                .entries()
                .forEach(e -> assertThat(md).contains("| `" + e.key() + "` |"));
        IngestOptions.table()
                .entries()
                .forEach(e -> assertThat(md).contains("| `" + e.key() + "` |"));
        ReplayStoreOptions.table()
                .entries()
                .forEach(e -> assertThat(md).contains("| `" + e.key() + "` |"));
        TrainerOptions.table()
                .entries()
                .forEach(e -> assertThat(md).contains("| `" + e.key() + "` |"));
        JoinOptions.table()
                .entries()
                .forEach(e -> assertThat(md).contains("| `" + e.key() + "` |"));
        ControllerOptions.table()
                .entries()
                .forEach(e -> assertThat(md).contains("| `" + e.key() + "` |"));
    }

    /** The directory holding {@code docs/} and {@code infra/} (Surefire runs in infra/cli). */
    private static Path repositoryRoot() {
        Path dir = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("docs")) && Files.isDirectory(d.resolve("infra"))) {
                return d;
            }
        }
        throw new IllegalStateException("no repository root (with docs/ and infra/) above " + dir);
    }
}
