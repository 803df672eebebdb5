package io.replayflow.infra.stack.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the stack's topics with an AdminClient and waits until every partition has a leader, so
 * clients that start right after the stack find them ready. Topics that already exist (a restart on
 * kept data) are left as they are.
 */
public final class TopicInitializer {

    private static final Logger LOG = LoggerFactory.getLogger(TopicInitializer.class);
    private static final Duration POLL = Duration.ofMillis(50);

    /** One topic to create: its name, partition count and topic-level configs. */
    public record TopicSpec(String name, int partitions, Map<String, String> configs) {
        public TopicSpec {
            configs = Map.copyOf(configs);
        }

        NewTopic toNewTopic() {
            return new NewTopic(name, partitions, (short) 1).configs(configs);
        }
    }

    private TopicInitializer() {}

    /** Creates the missing topics of {@code specs} and waits for their leaders. */
    public static void ensureTopics(
            String bootstrapServers, List<TopicSpec> specs, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                bootstrapServers,
                                AdminClientConfig.CLIENT_ID_CONFIG,
                                "replayflow-local-stack"))) {
            Set<String> existing =
                    admin.listTopics().names().get(remaining(deadline), TimeUnit.NANOSECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (TopicSpec spec : specs) {
                if (existing.contains(spec.name())) {
                    LOG.info("Topic {} exists already, keeping it", spec.name());
                } else {
                    missing.add(spec.toNewTopic());
                }
            }
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(remaining(deadline), TimeUnit.NANOSECONDS);
            }
            awaitLeaders(admin, specs.stream().map(TopicSpec::name).toList(), deadline);
        }
    }

    private static void awaitLeaders(Admin admin, List<String> names, long deadline)
            throws InterruptedException, ExecutionException, TimeoutException {
        while (true) {
            if (allHaveLeaders(admin, names, deadline)) {
                return;
            }
            if (remaining(deadline) <= POLL.toNanos()) {
                throw new TimeoutException("topics " + names + " have partitions without a leader");
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    private static boolean allHaveLeaders(Admin admin, List<String> names, long deadline)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<String, TopicDescription> descriptions;
        try {
            descriptions =
                    admin.describeTopics(names)
                            .allTopicNames()
                            .get(remaining(deadline), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return false; // created, but not yet in the broker's metadata cache
            }
            throw e;
        }
        return descriptions.values().stream()
                .flatMap(d -> d.partitions().stream())
                .map(TopicPartitionInfo::leader)
                .allMatch(leader -> leader != null && !leader.isEmpty());
    }

    private static long remaining(long deadline) throws TimeoutException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new TimeoutException("timed out creating the stack's topics");
        }
        return left;
    }
}
