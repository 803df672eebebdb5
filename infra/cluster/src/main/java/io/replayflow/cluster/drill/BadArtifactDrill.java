package io.replayflow.cluster.drill;

import io.replayflow.cluster.ClusterException;
import io.replayflow.cluster.LocalCluster;
import io.replayflow.cluster.internal.Deadline;
import io.replayflow.schemas.avro.PolicyVersion;
import io.replayflow.schemas.policy.InvalidArtifactException;
import io.replayflow.schemas.policy.PolicyManifest;
import io.replayflow.schemas.serde.SingleObjectSerde;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code bad-artifact}: two actor processes act on a good policy version G; then a tampered copy
 * (one byte of the variables flipped, manifest unchanged: checksum mismatch) is announced as G+1
 * and a copy whose manifest and announcement claim a 5-float observation as G+2. Every actor must
 * refuse both with the right reason, keep acting on G, and the experience log must hold no
 * transition of G+1 or G+2 but fresh ones of G.
 *
 * @param actors actor processes
 */
public record BadArtifactDrill(int actors) {

    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    public DrillReport run(LocalCluster cluster, DrillReport report) throws Exception {
        try (PolicyDrillSetup setup = PolicyDrillSetup.start(cluster, "bad-artifact", report)) {
            for (int i = 0; i < actors; i++) {
                setup.startActor(150);
            }
            setup.awaitLogRows(1_000, Duration.ofMinutes(4));
            setup.startTrainer("drill-trainer-1", 300, 300);
            if (setup.awaitExit("drill-trainer-1", Duration.ofMinutes(6)).orElse(-1) != 0) {
                throw new ClusterException(
                        "the trainer failed: " + setup.output("drill-trainer-1"));
            }
            PolicyVersion good = lastAnnouncement(setup);
            long g = good.getVersion();
            report.line("trainer published good version %d (%s)", g, good.getUri());
            awaitAll(setup, s -> Long.toString(g).equals(s.get("acting")), "act on version " + g);
            report.line("every actor acts on version %d", g);

            Path goodDir = Path.of(java.net.URI.create(good.getUri().toString()));
            long badAt = System.currentTimeMillis();
            announce(setup, tampered(goodDir, g + 1, good));
            announce(setup, wrongShape(goodDir, g + 2, good));
            report.line(
                    "SENT: version %d (one byte of the variables flipped) and %d (obs shape [5])",
                    g + 1, g + 2);
            String v1 = Long.toString(g + 1);
            String v2 = Long.toString(g + 2);
            awaitAll(setup, s -> refused(s, v1) && refused(s, v2), "refuse both bad versions");
            Map<String, Long> stepsAfterRefusal = steps(setup);
            Thread.sleep(10_000);
            for (String actor : setup.actors()) {
                Map<String, String> s = setup.actorStatus(actor);
                report.line("ARRIVED: %s %s", actor, s);
                report.check(
                        actor + " refused " + v1 + " for CHECKSUM_MISMATCH",
                        s.getOrDefault("refusals", "").contains(v1 + ":CHECKSUM_MISMATCH"));
                report.check(
                        actor + " refused " + v2 + " for SPEC_MISMATCH",
                        s.getOrDefault("refusals", "").contains(v2 + ":SPEC_MISMATCH"));
                report.check(
                        actor + " still acts on " + g, Long.toString(g).equals(s.get("acting")));
                report.check(
                        actor + " kept stepping",
                        Long.parseLong(s.getOrDefault("steps", "0"))
                                > stepsAfterRefusal.get(actor));
            }
            logChecks(setup, g, badAt, report);
        }
        return report;
    }

    private static void logChecks(PolicyDrillSetup setup, long g, long badAt, DrillReport report)
            throws Exception {
        Thread.sleep(15_000); // a few checkpoints and a compaction round
        long bad = 0;
        long goodAfter = 0;
        for (Map.Entry<Long, long[]> e :
                new ExperienceLogReader(setup.root()).rowsByPolicyVersion(badAt).entrySet()) {
            long version = e.getKey();
            long[] rows = e.getValue();
            report.line(
                    "ARRIVED: log rows of policy version %d: %d (%d after the bad versions)",
                    version, rows[0], rows[1]);
            bad += version > g ? rows[0] : 0;
            goodAfter += version == g ? rows[1] : 0;
        }
        report.check("no logged transition of a refused version", bad == 0);
        report.check(
                "transitions of version " + g + " kept arriving after the bad versions",
                goodAfter > 0);
    }

    private static boolean refused(Map<String, String> status, String version) {
        return ("," + status.getOrDefault("refusals", "")).contains("," + version + ":");
    }

    private static Map<String, Long> steps(PolicyDrillSetup setup) {
        Map<String, Long> steps = new java.util.HashMap<>();
        for (String actor : setup.actors()) {
            steps.put(actor, Long.parseLong(setup.actorStatus(actor).getOrDefault("steps", "0")));
        }
        return steps;
    }

    private static void awaitAll(
            PolicyDrillSetup setup,
            java.util.function.Predicate<Map<String, String>> ok,
            String what)
            throws InterruptedException {
        boolean done =
                Deadline.in(TIMEOUT)
                        .await(
                                () ->
                                        setup.actors().stream()
                                                .allMatch(a -> ok.test(setup.actorStatus(a))),
                                Duration.ofMillis(500));
        if (!done) {
            throw new ClusterException("not every actor did " + what + " within " + TIMEOUT);
        }
    }

    private static PolicyVersion lastAnnouncement(PolicyDrillSetup setup) throws Exception {
        List<PolicyVersion> all =
                TopicReader.records(
                        setup.cluster().config().bootstrapServers(),
                        setup.topics().policies(),
                        PolicyVersion.class,
                        Duration.ofMinutes(1));
        if (all.isEmpty()) {
            throw new ClusterException("no version on " + setup.topics().policies());
        }
        return all.get(all.size() - 1);
    }

    /** A copy of the artifact as version {@code v} with one byte of its largest file flipped. */
    private static PolicyVersion tampered(Path good, long v, PolicyVersion announcement)
            throws IOException, InvalidArtifactException {
        Path dir = copy(good, v);
        PolicyManifest m = PolicyManifest.readFrom(dir);
        withVersion(m, v, m.obsShape()).writeTo(dir);
        Path victim;
        try (Stream<Path> files = Files.walk(dir)) {
            victim =
                    files.filter(Files::isRegularFile)
                            .filter(
                                    p ->
                                            !p.getFileName()
                                                    .toString()
                                                    .equals(PolicyManifest.FILE_NAME))
                            .max(Comparator.comparingLong(p -> p.toFile().length()))
                            .orElseThrow();
        }
        try (RandomAccessFile f = new RandomAccessFile(victim.toFile(), "rw")) {
            long at = f.length() / 2;
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0xFF);
        }
        return PolicyVersion.newBuilder(announcement)
                .setVersion(v)
                .setUri(dir.toUri().toString())
                .build();
    }

    /** A copy of the artifact as version {@code v} that claims a 5-float observation. */
    private static PolicyVersion wrongShape(Path good, long v, PolicyVersion announcement)
            throws IOException, InvalidArtifactException {
        Path dir = copy(good, v);
        withVersion(PolicyManifest.readFrom(dir), v, List.of(5)).writeTo(dir);
        return PolicyVersion.newBuilder(announcement)
                .setVersion(v)
                .setUri(dir.toUri().toString())
                .setObsShape(List.of(5))
                .build();
    }

    private static PolicyManifest withVersion(PolicyManifest m, long v, List<Integer> obsShape) {
        return new PolicyManifest(
                m.formatVersion(),
                m.policyName(),
                v,
                m.algo(),
                m.config(),
                obsShape,
                m.obsDtype(),
                m.numActions(),
                m.signature(),
                m.transitionSchemaFingerprint(),
                m.trainStep(),
                m.createdAtMs(),
                m.lineage(),
                m.files(),
                m.sha256());
    }

    private static Path copy(Path good, long v) throws IOException {
        Path dir = good.getParent().resolve(Long.toString(v));
        try (Stream<Path> files = Files.walk(good)) {
            for (Path p : files.toList()) {
                Path target = dir.resolve(good.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        return dir;
    }

    private static void announce(PolicyDrillSetup setup, PolicyVersion version) throws Exception {
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(
                        Map.of(
                                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                setup.cluster().config().bootstrapServers(),
                                ProducerConfig.ACKS_CONFIG,
                                "all"),
                        new StringSerializer(),
                        new ByteArraySerializer())) {
            producer.send(
                            new ProducerRecord<>(
                                    setup.topics().policies(),
                                    version.getPolicyName().toString(),
                                    SingleObjectSerde.forClass(PolicyVersion.class)
                                            .encode(version)))
                    .get(30, TimeUnit.SECONDS);
        }
    }
}
