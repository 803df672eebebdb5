package io.replayflow.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class SecretsTest {

    private static final String JAAS =
            "org.apache.kafka.common.security.scram.ScramLoginModule required"
                    + " username=\"alice\" password=\"s3cr3t-Pa55\";";

    @Test
    void secretKeysAreRecognisedWithAndWithoutPrefix() {
        assertThat(Secrets.isSecret("sasl.jaas.config")).isTrue();
        assertThat(Secrets.isSecret("kafka.properties.sasl.jaas.config")).isTrue();
        assertThat(Secrets.isSecret("ssl.truststore.password")).isTrue();
        assertThat(Secrets.isSecret("actor.kafka.ssl.key.password")).isTrue();
        assertThat(Secrets.isSecret("ssl.keystore.key")).isTrue();
        assertThat(Secrets.isSecret("sasl.oauthbearer.client.credentials.client.secret")).isTrue();
        assertThat(Secrets.isSecret("basic.auth.user.info")).isTrue();
    }

    @Test
    void ordinarySettingsAreNotSecrets() {
        assertThat(Secrets.isSecret("security.protocol")).isFalse();
        assertThat(Secrets.isSecret("sasl.mechanism")).isFalse();
        assertThat(Secrets.isSecret("ssl.truststore.location")).isFalse();
        assertThat(Secrets.isSecret("ssl.truststore.type")).isFalse();
        assertThat(Secrets.isSecret("key.serializer")).isFalse();
        assertThat(Secrets.isSecret("bootstrap.servers")).isFalse();
        assertThat(Secrets.isSecret("client.info")).isFalse();
    }

    @Test
    void redactedHidesOnlySecretValuesAndSortsKeys() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("sasl.jaas.config", JAAS);
        settings.put("security.protocol", "SASL_SSL");
        settings.put("ssl.truststore.password", "changeit-truststore");
        settings.put("linger.ms", 5);

        Map<String, String> shown = Secrets.redacted(settings);

        assertThat(shown)
                .containsExactly(
                        Map.entry("linger.ms", "5"),
                        Map.entry("sasl.jaas.config", Secrets.HIDDEN),
                        Map.entry("security.protocol", "SASL_SSL"),
                        Map.entry("ssl.truststore.password", Secrets.HIDDEN));
        assertThat(shown.toString()).doesNotContain("s3cr3t-Pa55", "changeit-truststore");
    }

    @Test
    void aHidingMapPrintsNoSecretButHoldsTheRealValues() throws Exception {
        Map<String, String> settings =
                Secrets.hidingSecrets(
                        Map.of("sasl.jaas.config", JAAS, "security.protocol", "SASL_SSL"));
        record Holder(String name, Map<String, String> settings) {}

        assertThat(new Holder("x", settings).toString())
                .isEqualTo(
                        "Holder[name=x, settings={sasl.jaas.config=[hidden],"
                                + " security.protocol=SASL_SSL}]");
        assertThat(settings).containsEntry("sasl.jaas.config", JAAS).hasSize(2);
        assertThat(settings)
                .isEqualTo(Map.of("sasl.jaas.config", JAAS, "security.protocol", "SASL_SSL"));
        assertThatThrownBy(() -> settings.put("a", "b"))
                .isInstanceOf(UnsupportedOperationException.class);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(settings);
        }
        try (ObjectInputStream in =
                new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertThat(in.readObject()).isEqualTo(settings);
        }
    }

    @Test
    void scrubRemovesWholeSecretsAndJaasPasswordsFromFreeText() {
        Map<String, String> settings =
                Map.of(
                        "sasl.jaas.config", JAAS,
                        "ssl.truststore.password", "changeit-truststore",
                        "security.protocol", "SASL_SSL");
        String text =
                "login with "
                        + JAAS
                        + " failed; then password s3cr3t-Pa55 was echoed; store"
                        + " changeit-truststore; protocol SASL_SSL";

        String scrubbed = Secrets.scrub(text, settings);

        assertThat(scrubbed)
                .doesNotContain("s3cr3t-Pa55")
                .doesNotContain("changeit-truststore")
                .contains("protocol SASL_SSL")
                .contains("password " + Secrets.HIDDEN + " was echoed");
    }

    @Test
    void scrubUnderstandsSingleQuotedAndUnquotedJaasPasswords() {
        Map<String, String> single =
                Map.of("sasl.jaas.config", "M required username='bob' password='pw-one';");
        Map<String, String> bare =
                Map.of("sasl.jaas.config", "M required username=bob password=pw-two;");

        assertThat(Secrets.scrub("saw pw-one here", single)).isEqualTo("saw [hidden] here");
        assertThat(Secrets.scrub("saw pw-two here", bare)).isEqualTo("saw [hidden] here");
        assertThat(Secrets.scrub("nothing secret", Map.of())).isEqualTo("nothing secret");
    }
}
