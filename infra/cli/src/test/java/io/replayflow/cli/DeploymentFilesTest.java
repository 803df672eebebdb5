package io.replayflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.replayflow.actor.assign.AssignmentLog;
import io.replayflow.actor.serve.ServeOptions;
import io.replayflow.cli.lifecycle.ControllerOptions;
import io.replayflow.ingest.IngestConfig;
import io.replayflow.ingest.IngestOptions;
import io.replayflow.ingest.join.JoinConfig;
import io.replayflow.ingest.join.JoinOptions;
import io.replayflow.replay.job.ReplayStoreConfig;
import io.replayflow.replay.job.ReplayStoreOptions;
import io.replayflow.schemas.Topics;
import java.io.IOException;
import java.io.StringReader;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.configuration.HighAvailabilityOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * Every deployment file under {@code infra/deploy/} parses, and what it names exists: the Flink
 * jobs' main classes, the job jars the image puts where the jarURIs point (built by the modules'
 * shaded {@code job} jars), every ReplayFlow and Flink configuration key (the settings are also
 * validated by the jobs' own config classes), the CLI verbs and flags of the services, the Kafka
 * users and secrets the workloads mount, and a topic for every name of {@link Topics}.
 */
@Timeout(60)
class DeploymentFilesTest {

    private static final Path REPO = Path.of("../..").toAbsolutePath().normalize();
    private static final Path DEPLOY = REPO.resolve("infra/deploy");
    private static final Path DOCKERFILE = DEPLOY.resolve("docker/Dockerfile");

    /** Key prefixes the Flink S3 plugins and the operator read, not in flink-core's options. */
    private static final List<String> PLUGIN_PREFIXES = List.of("s3.", "kubernetes.", "env.");

    private static List<Map<String, Object>> documents() throws IOException {
        List<Map<String, Object>> docs = new ArrayList<>();
        try (Stream<Path> files = Files.walk(DEPLOY)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                Load load = new Load(LoadSettings.builder().setLabel(file.toString()).build());
                for (Object doc : load.loadAllFromString(Files.readString(file))) {
                    assertThat(doc).as("a YAML mapping in %s", file).isInstanceOf(Map.class);
                    docs.add(map(doc));
                }
            }
        }
        return docs;
    }

    private static List<Map<String, Object>> ofKind(String kind) throws IOException {
        return documents().stream().filter(d -> kind.equals(d.get("kind"))).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object o) {
        return (List<Object>) o;
    }

    private static Map<String, Object> at(Map<String, Object> doc, String... path) {
        Map<String, Object> m = doc;
        for (String key : path) {
            assertThat(m).as("%s in %s", key, doc.get("metadata")).containsKey(key);
            m = map(m.get(key));
        }
        return m;
    }

    private static String name(Map<String, Object> doc) {
        return (String) at(doc, "metadata").get("name");
    }

    @Test
    void flinkDeploymentsRunExistingMainClassesFromJarsTheImageHolds() throws Exception {
        List<Map<String, Object>> deployments = ofKind("FlinkDeployment");
        assertThat(deployments)
                .extracting(DeploymentFilesTest::name)
                .containsExactlyInAnyOrder(
                        "replayflow-ingest", "replayflow-join", "replayflow-replay-store");
        String dockerfile = Files.readString(DOCKERFILE);
        for (Map<String, Object> d : deployments) {
            Map<String, Object> job = at(d, "spec", "job");
            Class<?> main = Class.forName((String) job.get("entryClass"));
            Method entry = main.getMethod("main", String[].class);
            assertThat(Modifier.isStatic(entry.getModifiers())).isTrue();
            assertThat(job.get("upgradeMode"))
                    .as("savepoint-based upgrades")
                    .isEqualTo("savepoint");

            String jarUri = (String) job.get("jarURI");
            assertThat(jarUri).startsWith("local:///opt/flink/usrlib/");
            String jar = jarUri.substring(jarUri.lastIndexOf('/') + 1);
            assertThat(dockerfile)
                    .as("the flink-jobs image puts %s where the jarURI points", jar)
                    .contains("/out/jobs/" + jar + " /opt/flink/usrlib/" + jar);
            assertJarIsBuilt(dockerfile, jar);

            Map<String, Object> flink = at(d, "spec", "flinkConfiguration");
            assertThat((String) flink.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY.key()))
                    .startsWith("s3://");
            assertThat((String) flink.get(CheckpointingOptions.SAVEPOINT_DIRECTORY.key()))
                    .startsWith("s3://");
        }
    }

    /** {@code cp <module>/target/<artifactId>-<version>-job.jar /out/jobs/<jar>} in the build. */
    private static void assertJarIsBuilt(String dockerfile, String jar) throws IOException {
        Matcher cp =
                Pattern.compile(
                                "cp (\\S+)/target/(replayflow-[a-z-]+)-(\\d[\\w.-]*)-job\\.jar"
                                        + " /out/jobs/"
                                        + jar)
                        .matcher(dockerfile);
        assertThat(cp.find()).as("the build stage copies a shaded job jar to %s", jar).isTrue();
        String pom = Files.readString(REPO.resolve(cp.group(1)).resolve("pom.xml"));
        assertThat(pom)
                .contains("<artifactId>" + cp.group(2) + "</artifactId>")
                .contains("<shadedClassifierName>job</shadedClassifierName>");
        String parent = Files.readString(REPO.resolve("pom.xml"));
        assertThat(parent).contains("<version>" + cp.group(3) + "</version>");
    }

    @Test
    void ingestSettingsAreKnownKeysThatTheJobAccepts() throws Exception {
        Map<String, Object> ingest =
                ofKind("FlinkDeployment").stream()
                        .filter(d -> name(d).equals("replayflow-ingest"))
                        .findFirst()
                        .orElseThrow();
        Map<String, String> conf = new HashMap<>();
        at(ingest, "spec", "flinkConfiguration").forEach((k, v) -> conf.put(k, String.valueOf(v)));
        Set<String> ingestKeys = optionKeys(IngestOptions.class);
        Set<String> flinkKeys = flinkKeys();
        for (String key : conf.keySet()) {
            boolean ours =
                    ingestKeys.contains(key)
                            || key.startsWith(IngestOptions.KAFKA_PROPERTIES_PREFIX);
            boolean flink =
                    flinkKeys.contains(key) || PLUGIN_PREFIXES.stream().anyMatch(key::startsWith);
            assertThat(ours || flink).as("%s is a known ingest or Flink key", key).isTrue();
        }
        IngestConfig config = IngestConfig.fromConfiguration(Configuration.fromMap(conf));
        assertThat(config.dataRoot()).startsWith("s3://");
        assertThat(config.kafkaProperties())
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512");
    }

    @Test
    void joinSettingsAreKnownKeysThatTheJobAccepts() throws Exception {
        Map<String, Object> join =
                ofKind("FlinkDeployment").stream()
                        .filter(d -> name(d).equals("replayflow-join"))
                        .findFirst()
                        .orElseThrow();
        Map<String, String> conf = new HashMap<>();
        at(join, "spec", "flinkConfiguration").forEach((k, v) -> conf.put(k, String.valueOf(v)));
        Set<String> joinKeys = new HashSet<>();
        JoinOptions.table().entries().forEach(e -> joinKeys.add(e.key()));
        Set<String> flinkKeys = flinkKeys();
        for (String key : conf.keySet()) {
            boolean ours =
                    joinKeys.contains(key) || key.startsWith(IngestOptions.KAFKA_PROPERTIES_PREFIX);
            boolean flink =
                    flinkKeys.contains(key) || PLUGIN_PREFIXES.stream().anyMatch(key::startsWith);
            assertThat(ours || flink).as("%s is a known join or Flink key", key).isTrue();
        }
        JoinConfig config = JoinConfig.fromConfiguration(Configuration.fromMap(conf));
        assertThat(config.rewardHorizon()).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.kafkaProperties()).containsEntry("security.protocol", "SASL_SSL");
    }

    @Test
    void replayStoreArgumentsAreKnownKeysThatTheJobAccepts() throws Exception {
        Map<String, Object> replay =
                ofKind("FlinkDeployment").stream()
                        .filter(d -> name(d).equals("replayflow-replay-store"))
                        .findFirst()
                        .orElseThrow();
        Set<String> keys = optionKeys(ReplayStoreOptions.class);
        ReplayStoreConfig.Builder builder = ReplayStoreConfig.builder();
        for (Object arg : list(at(replay, "spec", "job").get("args"))) {
            String text = (String) arg;
            assertThat(text).startsWith("--").contains("=");
            String key = text.substring(2, text.indexOf('='));
            assertThat(
                            keys.contains(key)
                                    || key.startsWith(ReplayStoreOptions.KAFKA_PROPERTIES_PREFIX))
                    .as("--%s is a replay-store option", key)
                    .isTrue();
            builder.set(key, text.substring(text.indexOf('=') + 1));
        }
        ReplayStoreConfig config = builder.build();
        assertThat(config.dataRoot().getScheme()).isEqualTo("s3");
        assertThat(config.kafkaClientProperties()).containsEntry("security.protocol", "SASL_SSL");
    }

    @Test
    void theKafkaClusterIsKraftWithScramOverTlsOnlyAndHasEveryTopicAndUser() throws Exception {
        Map<String, Object> kafka = ofKind("Kafka").get(0);
        String cluster = name(kafka);
        assertThat(at(kafka, "metadata", "annotations"))
                .containsEntry("strimzi.io/kraft", "enabled")
                .containsEntry("strimzi.io/node-pools", "enabled");
        for (Object l : list(at(kafka, "spec", "kafka").get("listeners"))) {
            Map<String, Object> listener = map(l);
            assertThat(listener.get("tls")).as("listener %s uses TLS", listener).isEqualTo(true);
            assertThat(at(listener, "authentication")).containsEntry("type", "scram-sha-512");
        }
        List<Map<String, Object>> pools = ofKind("KafkaNodePool");
        assertThat(pools).isNotEmpty();
        for (Map<String, Object> pool : pools) {
            assertThat(at(pool, "metadata", "labels")).containsEntry("strimzi.io/cluster", cluster);
            assertThat(list(at(pool, "spec").get("roles"))).contains("controller", "broker");
        }
        Map<String, Map<String, Object>> topics = new HashMap<>();
        for (Map<String, Object> t : ofKind("KafkaTopic")) {
            topics.put((String) at(t, "spec").get("topicName"), t);
        }
        assertThat(topics.keySet()).containsAll(Topics.defaults().all());
        assertThat(at(topics.get(Topics.defaults().policies()), "spec", "config"))
                .containsEntry("cleanup.policy", "compact");
        assertThat(at(topics.get(Topics.defaults().assignments()), "spec", "config"))
                .containsEntry("cleanup.policy", "compact");
        assertThat(at(topics.get(Topics.defaults().assignmentHistory()), "spec", "config"))
                .doesNotContainKey("cleanup.policy");
        for (Map<String, Object> user : ofKind("KafkaUser")) {
            assertThat(at(user, "spec", "authentication")).containsEntry("type", "scram-sha-512");
        }
    }

    @Test
    void workloadsMountSecretsThatExist() throws Exception {
        Set<String> secrets = new HashSet<>(Set.of("replayflow-s3"));
        ofKind("KafkaUser").forEach(u -> secrets.add(name(u)));
        ofKind("Kafka").forEach(k -> secrets.add(name(k) + "-cluster-ca-cert"));
        Set<String> configMaps = new HashSet<>();
        ofKind("ConfigMap").forEach(c -> configMaps.add(name(c)));
        String all = String.join("\n", documents().stream().map(Object::toString).toList());
        Matcher secret = Pattern.compile("secretName=([\\w.-]+)").matcher(all);
        int found = 0;
        while (secret.find()) {
            assertThat(secrets)
                    .as("secret %s is created here", secret.group(1))
                    .contains(secret.group(1));
            found++;
        }
        Matcher key = Pattern.compile("secretKeyRef=\\{name=([\\w.-]+)").matcher(all);
        while (key.find()) {
            assertThat(secrets).contains(key.group(1));
        }
        Matcher configMap = Pattern.compile("configMap=\\{name=([\\w.-]+)").matcher(all);
        while (configMap.find()) {
            assertThat(configMaps).contains(configMap.group(1));
        }
        assertThat(found).isGreaterThanOrEqualTo(4);
    }

    @Test
    void servicesRunCliVerbsWithFlagsThatExist() throws Exception {
        var cli = ReplayFlow.commandLine();
        List<Map<String, Object>> workloads = new ArrayList<>(ofKind("Deployment"));
        workloads.addAll(ofKind("Job"));
        assertThat(workloads).hasSizeGreaterThanOrEqualTo(2);
        for (Map<String, Object> w : workloads) {
            for (Object c : list(at(w, "spec", "template", "spec").get("containers"))) {
                List<Object> args = list(map(c).get("args"));
                var verb = cli.getSubcommands().get((String) args.get(0));
                assertThat(verb).as("verb %s", args.get(0)).isNotNull();
                for (Object a : args.subList(1, args.size())) {
                    String flag = ((String) a).split("=", 2)[0];
                    assertThat(verb.getCommandSpec().findOption(flag))
                            .as("%s %s", args.get(0), flag)
                            .isNotNull();
                }
            }
        }
    }

    @Test
    void theContinuousTrainerIsALongRunningSingleDeploymentBesideTheOneShotJob() throws Exception {
        List<Map<String, Object>> learners =
                ofKind("Deployment").stream().filter(d -> "learn".equals(verbOf(d))).toList();
        assertThat(learners).as("a Deployment running `replayflow learn`").hasSize(1);
        Map<String, Object> learner = learners.get(0);
        assertThat(at(learner, "spec").get("replicas"))
                .as("one learner per policy name: two would race for version numbers")
                .isEqualTo(1);
        assertThat(at(learner, "spec", "strategy").get("type")).isEqualTo("Recreate");
        assertThat(
                        (Integer)
                                at(learner, "spec", "template", "spec")
                                        .get("terminationGracePeriodSeconds"))
                .as("time to write the final checkpoint on SIGTERM")
                .isGreaterThanOrEqualTo(60);
        List<Object> args = list(container(learner).get("args"));
        assertThat(args)
                .anyMatch(a -> ((String) a).startsWith("--policy="))
                .anyMatch(a -> ((String) a).startsWith("--env="))
                .anyMatch(a -> ((String) a).startsWith("--bootstrap="))
                .contains("--metrics-host=0.0.0.0");
        assertThat(ofKind("Job").stream().map(DeploymentFilesTest::verbOf))
                .as("the one-shot training Job stays")
                .contains("train");
    }

    @Test
    void theLifecycleControllerIsOneLongRunningReplicaWithItsOwnUser() throws Exception {
        List<Map<String, Object>> controllers =
                ofKind("Deployment").stream().filter(d -> "controller".equals(verbOf(d))).toList();
        assertThat(controllers).as("a Deployment running `replayflow controller`").hasSize(1);
        Map<String, Object> controller = controllers.get(0);
        assertThat(at(controller, "spec").get("replicas"))
                .as("one controller: a second would fence the first's passes")
                .isEqualTo(1);
        assertThat(at(controller, "spec", "strategy").get("type")).isEqualTo("Recreate");
        List<Object> args = list(container(controller).get("args"));
        assertThat(args)
                .anyMatch(a -> ((String) a).startsWith("--data="))
                .anyMatch(a -> ((String) a).startsWith("--bootstrap="))
                .contains("--metrics-host=0.0.0.0");
        Map<String, String> settings = new HashMap<>();
        for (Object a : args) {
            String arg = (String) a;
            if (arg.startsWith("--set=")) {
                String kv = arg.substring("--set=".length());
                settings.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            }
        }
        ControllerOptions.parse(settings); // known keys, valid values
        assertThat(controller.toString())
                .as("the controller's own Kafka user")
                .contains("secretName=replayflow-controller");
        Map<String, Object> user =
                ofKind("KafkaUser").stream()
                        .filter(u -> "replayflow-controller".equals(name(u)))
                        .findFirst()
                        .orElseThrow();
        assertThat(at(user, "spec", "authorization").toString())
                .as("reads failure reports; writes assignments as their one transactional writer")
                .contains("name=" + Topics.defaults().policyFailures())
                .contains("type=transactionalId, name=" + AssignmentLog.transactionalId(""));
    }

    @Test
    void theDecisionServiceIsProbedOnItsPortAndLogsWithItsOwnUser() throws Exception {
        List<Map<String, Object>> services =
                ofKind("Deployment").stream().filter(d -> "serve".equals(verbOf(d))).toList();
        assertThat(services).as("a Deployment running `replayflow serve`").hasSize(1);
        Map<String, Object> serve = services.get(0);
        Map<String, Object> c = container(serve);
        List<String> args = list(c.get("args")).stream().map(String.class::cast).toList();
        String port =
                args.stream()
                        .filter(a -> a.startsWith("--port="))
                        .findFirst()
                        .orElseThrow()
                        .substring("--port=".length());
        assertThat(args).contains("--host=0.0.0.0").anyMatch(a -> a.startsWith("--policy="));
        for (String a : args) {
            if (a.startsWith("--set=")) {
                String key = a.substring("--set=".length()).split("=", 2)[0];
                assertThat(ServeOptions.table().accepts(key)).as("serve key %s", key).isTrue();
            }
        }
        Map<String, Object> http = map(list(c.get("ports")).get(0));
        assertThat(http.get("containerPort")).isEqualTo(Integer.parseInt(port));
        assertThat(at(map(c), "readinessProbe", "httpGet"))
                .containsEntry("path", "/healthz")
                .containsEntry("port", http.get("name"));
        assertThat(ofKind("Service"))
                .as("a Service in front of the pods")
                .anyMatch(
                        svc ->
                                at(svc, "spec", "selector")
                                        .equals(at(serve, "spec", "selector", "matchLabels")));
        Map<String, Object> user =
                ofKind("KafkaUser").stream()
                        .filter(u -> "replayflow-serve".equals(name(u)))
                        .findFirst()
                        .orElseThrow();
        String acls = at(user, "spec", "authorization").toString();
        assertThat(acls)
                .contains("name=" + Topics.defaults().decisions())
                .contains("name=" + Topics.defaults().outcomes())
                .contains("name=" + Topics.defaults().policies())
                .contains("IdempotentWrite");
        assertThat(at(serve, "spec", "template", "spec").toString())
                .contains("secretName=replayflow-serve");
    }

    private static Map<String, Object> container(Map<String, Object> workload) {
        return map(list(at(workload, "spec", "template", "spec").get("containers")).get(0));
    }

    private static String verbOf(Map<String, Object> workload) {
        return (String) list(container(workload).get("args")).get(0);
    }

    @Test
    void theDockerfileRunsTheCliWithTheActorAndTrainerVerbs() throws Exception {
        String dockerfile = Files.readString(DOCKERFILE);
        Matcher entry = Pattern.compile("ENTRYPOINT \\[(.*)]").matcher(dockerfile);
        assertThat(entry.find()).isTrue();
        String mainClass = entry.group(1).replaceAll(".*\"([\\w.]+)\"\\s*$", "$1");
        Class.forName(mainClass).getMethod("main", String[].class);
        var verbs = ReplayFlow.commandLine().getSubcommands().keySet();
        for (String target : List.of("actor", "trainer", "flink-jobs")) {
            assertThat(dockerfile).contains(" AS " + target + "\n");
        }
        Matcher cmd = Pattern.compile("CMD \\[\"([\\w-]+)\"").matcher(dockerfile);
        int count = 0;
        while (cmd.find()) {
            assertThat(verbs).contains(cmd.group(1));
            count++;
        }
        assertThat(count).isEqualTo(2);
    }

    @Test
    void theServicesClientConfigLoadsAndTheKafkaClientReadsTheSecretFromTheMountedFile(
            @TempDir Path secretDir) throws Exception {
        Map<String, Object> configMap = ofKind("ConfigMap").get(0);
        String text = (String) at(configMap, "data").get("client.properties");
        Properties props = new Properties();
        props.load(
                new StringReader(text.replace("/opt/replayflow/kafka-user", secretDir.toString())));
        Path file = secretDir.resolve("client.properties");
        try (var out = Files.newBufferedWriter(file)) {
            props.store(out, null);
        }
        String jaas =
                "org.apache.kafka.common.security.scram.ScramLoginModule required"
                        + " username=\"replayflow-actors\" password=\"from-the-secret\";";
        Files.writeString(secretDir.resolve("sasl.jaas.config"), jaas);

        Map<String, Object> client = new HashMap<>(KafkaClientConfig.load(file));
        client.put("bootstrap.servers", "kafka:9093");
        client.put("key.serializer", ByteArraySerializer.class);
        client.put("value.serializer", ByteArraySerializer.class);
        ProducerConfig resolved = new ProducerConfig(client);

        assertThat(resolved.getPassword("sasl.jaas.config").value()).isEqualTo(jaas);
        assertThat(resolved.getString("security.protocol")).isEqualTo("SASL_SSL");
        assertThat(text).doesNotContain("password=");
    }

    private static Set<String> optionKeys(Class<?> options) throws IllegalAccessException {
        Set<String> keys = new HashSet<>();
        for (Field f : options.getFields()) {
            if (Modifier.isStatic(f.getModifiers())
                    && ConfigOption.class.isAssignableFrom(f.getType())) {
                ConfigOption<?> option = (ConfigOption<?>) f.get(null);
                keys.add(option.key());
                for (FallbackKey fallback : option.fallbackKeys()) {
                    keys.add(fallback.getKey());
                }
            }
        }
        return keys;
    }

    private static Set<String> flinkKeys() throws IllegalAccessException {
        Set<String> keys = new HashSet<>();
        for (Class<?> c :
                List.of(
                        CheckpointingOptions.class,
                        StateBackendOptions.class,
                        CoreOptions.class,
                        TaskManagerOptions.class,
                        HighAvailabilityOptions.class,
                        RestartStrategyOptions.class)) {
            keys.addAll(optionKeys(c));
        }
        return keys;
    }
}
