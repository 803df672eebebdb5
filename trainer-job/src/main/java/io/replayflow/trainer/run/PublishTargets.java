package io.replayflow.trainer.run;

import io.replayflow.schemas.Topics;
import io.replayflow.trainer.publish.PolicyPublisher;
import io.replayflow.trainer.publish.PriorityUpdatePublisher;
import io.replayflow.trainer.publish.PublishedVersions;
import java.time.Duration;
import java.util.Map;

/**
 * Where a {@link ContinuousTrainer} announces its work, and the highest version already announced
 * for its policy name. A null publisher turns that output off. The trainer closes both when it
 * ends.
 *
 * @param policies sends {@code PolicyVersion}s to {@code rf.policies}; null: export only
 * @param priorities sends {@code PriorityUpdate}s to {@code rf.priorities} (used when the sampler
 *     is prioritized); null: none
 * @param lastPublished the highest version of the policy name already on {@code rf.policies}
 */
public record PublishTargets(
        PolicyPublisher policies, PriorityUpdatePublisher priorities, long lastPublished)
        implements AutoCloseable {

    /** Nothing is published; versions are only exported. */
    public static PublishTargets none() {
        return new PublishTargets(null, null, 0);
    }

    /**
     * Kafka producers at {@code bootstrap}, and the last version of {@code policyName} read from
     * the policies topic.
     *
     * @throws io.replayflow.trainer.publish.PublishException if the topic cannot be read
     */
    public static PublishTargets kafka(
            String bootstrap,
            Topics topics,
            String policyName,
            double priorityEpsilon,
            Duration timeout) {
        return kafka(bootstrap, Map.of(), topics, policyName, priorityEpsilon, timeout);
    }

    /**
     * As {@link #kafka(String, Topics, String, double, Duration)}, every client with {@code
     * clientSettings} (security: {@code security.protocol}, {@code sasl.*}, {@code ssl.*}).
     */
    public static PublishTargets kafka(
            String bootstrap,
            Map<String, String> clientSettings,
            Topics topics,
            String policyName,
            double priorityEpsilon,
            Duration timeout) {
        long last =
                PublishedVersions.latest(bootstrap, clientSettings, topics, policyName, timeout);
        PolicyPublisher policies = PolicyPublisher.create(bootstrap, clientSettings, topics);
        try {
            return new PublishTargets(
                    policies,
                    PriorityUpdatePublisher.create(
                            bootstrap, clientSettings, topics, priorityEpsilon),
                    last);
        } catch (RuntimeException e) {
            policies.close();
            throw e;
        }
    }

    @Override
    public void close() {
        try {
            if (priorities != null) {
                priorities.close();
            }
        } finally {
            if (policies != null) {
                policies.close();
            }
        }
    }
}
