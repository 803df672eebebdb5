package io.replayflow.schemas.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class OptionTableTest {

    enum Mode {
        FAST,
        SAFE;

        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final OptionTable table = new OptionTable("widget", List.of("widget.client."));
    private final ConfigOption<String> servers =
            table.add(
                    SharedOptions.bootstrapServers("widget.bootstrap-servers"),
                    "string",
                    "(required)",
                    SharedOptions.BOOTSTRAP_SERVERS_DESCRIPTION);
    private final ConfigOption<Integer> count =
            table.add(
                    ConfigOptions.key("widget.count").intType().defaultValue(4),
                    "int",
                    "How many.");
    private final ConfigOption<Duration> wait =
            table.add(
                    ConfigOptions.key("widget.wait")
                            .durationType()
                            .defaultValue(Duration.ofSeconds(2)),
                    "duration",
                    "How long.");
    private final ConfigOption<MemorySize> buffer =
            table.add(
                    ConfigOptions.key("widget.buffer")
                            .memoryType()
                            .defaultValue(MemorySize.parse("64m")),
                    "size",
                    "How much.");
    private final ConfigOption<Mode> mode =
            table.add(
                    ConfigOptions.key("widget.mode").enumType(Mode.class).defaultValue(Mode.SAFE),
                    "fast | safe",
                    "Which way.");

    @Test
    void readsTypedValuesAndDefaults() {
        Settings s =
                table.read(
                        Map.of(
                                "widget.count", "7",
                                "widget.wait", "250ms",
                                "widget.buffer", "256k",
                                "widget.mode", "fast"));
        assertThat(s.get(count)).isEqualTo(7);
        assertThat(s.get(wait)).isEqualTo(Duration.ofMillis(250));
        assertThat(s.get(buffer).getBytes()).isEqualTo(256 * 1024);
        assertThat(s.get(mode)).isEqualTo(Mode.FAST);
        assertThat(table.read(Map.of()).get(count)).isEqualTo(4);
        assertThat(table.read(Map.of()).get(servers)).isNull();
        assertThat(table.read(Map.of("widget.wait", "PT5M")).get(wait))
                .isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void readsTheSharedKeyAndItsOlderSpelling() {
        assertThat(table.read(Map.of("kafka.bootstrap.servers", "a:1")).get(servers))
                .isEqualTo("a:1");
        assertThat(table.read(Map.of("widget.bootstrap-servers", "b:2")).get(servers))
                .isEqualTo("b:2");
        assertThat(
                        table.read(
                                        Map.of(
                                                "kafka.bootstrap.servers", "a:1",
                                                "widget.bootstrap-servers", "b:2"))
                                .get(servers))
                .as("the current spelling wins")
                .isEqualTo("a:1");
    }

    @Test
    void refusesAnUnknownKeyListingTheKnownOnes() {
        assertThatThrownBy(() -> table.read(Map.of("widget.cuont", "1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("unknown widget setting 'widget.cuont'; known settings: [")
                .hasMessageContaining("widget.count")
                .hasMessageEndingWith("widget.client.*");
        assertThat(table.read(Map.of("widget.client.acks", "all")).withPrefix("widget.client."))
                .isEqualTo(Map.of("acks", "all"));
    }

    @Test
    void aBadValueNamesTheKeyTheValueAndAnExample() {
        assertThatThrownBy(() -> table.read(Map.of("widget.count", "many")).get(count))
                .hasMessage("widget.count='many' is not a valid int; e.g. widget.count=4");
        assertThatThrownBy(() -> table.read(Map.of("widget.wait", "soon")).get(wait))
                .hasMessage("widget.wait='soon' is not a valid duration; e.g. widget.wait=2 s");
        assertThatThrownBy(() -> table.read(Map.of("widget.mode", "quick")).get(mode))
                .hasMessage(
                        "widget.mode='quick' is not a valid fast | safe; e.g. widget.mode=safe");
    }

    @Test
    void prefixGroupsMergeOlderPrefixesUnderTheCurrentOne() {
        OptionTable t = new OptionTable("w", List.of("kafka.properties.", "w.kafka."));
        Settings s =
                t.read(
                        Map.of(
                                "w.kafka.security.protocol", "SSL",
                                "w.kafka.sasl.mechanism", "PLAIN",
                                "kafka.properties.security.protocol", "SASL_SSL"));
        assertThat(s.withPrefix("kafka.properties.", "w.kafka."))
                .isEqualTo(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "PLAIN"));
    }

    @Test
    void markdownNamesTypeDefaultAndFormerSpelling() {
        String md = table.markdown();
        assertThat(md)
                .contains(
                        "| `kafka.bootstrap.servers` | string | `(required)` | Kafka brokers,"
                                + " host:port[,host:port...]. Required. Formerly"
                                + " `widget.bootstrap-servers` (still read). |")
                .contains("| `widget.wait` | duration | `2 s` | How long. |")
                .contains("| `widget.buffer` | size | `64 mb` | How much. |")
                .contains("| `widget.mode` | fast \\| safe | `safe` | Which way. |");
    }
}
