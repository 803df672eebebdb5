package io.replayflow.cluster.kafka;

import io.replayflow.cluster.ClusterConfig;
import io.replayflow.cluster.ClusterException;
import io.replayflow.cluster.internal.Deadline;
import io.replayflow.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * Creates ReplayFlow's topics on a local cluster, replicated {@value
 * ClusterConfig#REPLICATION_FACTOR} times ({@code min.insync.replicas} comes from the brokers), and
 * waits until every partition has a leader and a full in-sync replica set. {@code policies} is
 * compacted with one partition; the others get {@link ClusterConfig#partitions()}. Existing topics
 * are left as they are.
 */
public final class ClusterTopics {

    private static final Duration POLL = Duration.ofMillis(250);

    private ClusterTopics() {}

    /** Creates the missing topics of {@code topics} and waits until they are fully replicated. */
    public static void ensure(Admin admin, Topics topics, int partitions, Duration timeout)
            throws InterruptedException {
        Deadline deadline = Deadline.in(timeout);
        List<String> names = topics.all();
        try {
            Set<String> existing = admin.listTopics().names().get(10, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (String name : names) {
                if (existing.contains(name)) {
                    continue;
                }
                boolean policies = topics.compacted(name);
                NewTopic topic =
                        new NewTopic(
                                name,
                                policies ? 1 : partitions,
                                (short) ClusterConfig.REPLICATION_FACTOR);
                missing.add(policies ? topic.configs(Map.of("cleanup.policy", "compact")) : topic);
            }
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            }
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new ClusterException("cannot create the topics " + names + ": " + e, e);
        }
        if (!deadline.await(() -> fullyReplicated(admin, names), POLL)) {
            throw new ClusterException(
                    "topics "
                            + names
                            + " are not fully replicated after "
                            + timeout.toSeconds()
                            + " s: is every broker up? ('replayflow cluster status')");
        }
    }

    private static boolean fullyReplicated(Admin admin, List<String> names) {
        Map<String, TopicDescription> descriptions;
        try {
            descriptions = admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            return false; // created, but not yet in every broker's metadata
        }
        return descriptions.values().stream()
                .flatMap(d -> d.partitions().stream())
                .allMatch(ClusterTopics::healthy);
    }

    private static boolean healthy(TopicPartitionInfo p) {
        return p.leader() != null
                && !p.leader().isEmpty()
                && p.isr().size() == ClusterConfig.REPLICATION_FACTOR;
    }
}
