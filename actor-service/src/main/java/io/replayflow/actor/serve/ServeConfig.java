package io.replayflow.actor.serve;

import io.replayflow.schemas.Topics;
import io.replayflow.schemas.env.EnvSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The decision service's settings, validated once. Read from keys by {@link ServeOptions#parse},
 * whose table documents each field and its default.
 *
 * <pre>{@code
 * ServeConfig config = ServeConfig.defaults("127.0.0.1:9092", "cartpole", EnvSpecs.CART_POLE)
 *         .withPort(8080);
 * }</pre>
 *
 * @param bootstrapServers Kafka, for the log and the policy follower
 * @param kafkaSettings further client settings of every client (security...)
 * @param topics where decisions, outcomes and policies are
 * @param policy the policy name served
 * @param env the observation shape and action count requests must match; its id is written into
 *     each decision's env_id
 * @param host interface to listen on
 * @param port HTTP port; 0 picks a free one
 * @param epsilon ε of ε-greedy exploration around a deterministic policy, in [0, 1]
 * @param maxBatch most decisions in one policy call
 * @param maxWait longest the first request of a batch waits for company
 * @param queueCapacity decision requests that may wait; more are refused with 503
 * @param maxBodyBytes largest request body accepted
 * @param sessionIdle a session silent this long is forgotten (its end is then refused)
 * @param serviceId names this instance in the log (the joined transitions' actor_id)
 * @param policyRoot when set, only artifacts under it are loaded
 * @param swapPollInterval longest poll of the policy follower
 * @param seed exploration draws
 * @param httpThreads most threads of the HTTP server's pool
 * @param producerSettings settings of the log's producer only (linger.ms...)
 * @param answerBeforeAck answer once the producer took the record, not when Kafka acknowledged it
 *     (weaker durability; off by default)
 */
public record ServeConfig(
        String bootstrapServers,
        Map<String, String> kafkaSettings,
        Topics topics,
        String policy,
        EnvSpec env,
        String host,
        int port,
        double epsilon,
        int maxBatch,
        Duration maxWait,
        int queueCapacity,
        int maxBodyBytes,
        Duration sessionIdle,
        String serviceId,
        Optional<Path> policyRoot,
        Duration swapPollInterval,
        long seed,
        int httpThreads,
        Map<String, String> producerSettings,
        boolean answerBeforeAck) {

    /** Producer settings the log fixes for its durability guarantee. */
    private static final Set<String> FIXED_PRODUCER_SETTINGS =
            Set.of(
                    "acks",
                    "enable.idempotence",
                    "key.serializer",
                    "value.serializer",
                    "bootstrap.servers");

    public ServeConfig {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        kafkaSettings = Map.copyOf(kafkaSettings);
        producerSettings = Map.copyOf(producerSettings);
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(policyRoot, "policyRoot");
        if (policy == null || policy.isBlank()) {
            throw new IllegalArgumentException(
                    "serve.policy.name is required, e.g. --policy cartpole");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(
                    "serve.http.port = "
                            + port
                            + " is not a TCP port: use 1-65535, or 0 for any free port");
        }
        if (!(epsilon >= 0 && epsilon <= 1)) {
            throw new IllegalArgumentException("serve.epsilon = " + epsilon + " must be in [0, 1]");
        }
        if (maxBatch < 1 || maxBatch > 65536) {
            throw new IllegalArgumentException(
                    "serve.batch.max-size = " + maxBatch + " must be in [1, 65536]");
        }
        if (maxWait.isNegative() || maxWait.compareTo(Duration.ofSeconds(1)) > 0) {
            throw new IllegalArgumentException(
                    "serve.batch.max-wait-us = "
                            + maxWait.toNanos() / 1000
                            + " must be between 0 and 1 s (it adds to latency)");
        }
        if (queueCapacity < maxBatch) {
            throw new IllegalArgumentException(
                    "serve.batch.queue-capacity = "
                            + queueCapacity
                            + " must be at least serve.batch.max-size = "
                            + maxBatch);
        }
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException(
                    "serve.http.max-body = "
                            + maxBodyBytes
                            + " bytes is too small: use at least 1024");
        }
        if (sessionIdle.isNegative() || sessionIdle.isZero()) {
            throw new IllegalArgumentException(
                    "serve.session.idle-timeout = " + sessionIdle + " must be positive");
        }
        if (serviceId == null || serviceId.isBlank()) {
            throw new IllegalArgumentException("serve.service-id must not be blank");
        }
        if (httpThreads < 4 || httpThreads > 1024) {
            throw new IllegalArgumentException(
                    "serve.http.threads = "
                            + httpThreads
                            + " must be in [4, 1024] (one acceptor, one selector and workers)");
        }
        for (String fixed : FIXED_PRODUCER_SETTINGS) {
            if (producerSettings.containsKey(fixed)) {
                throw new IllegalArgumentException(
                        "serve.producer."
                                + fixed
                                + " is fixed by the service (idempotent, acks=all: an answered"
                                + " call is durably logged); remove it");
            }
        }
    }

    /** Every default of {@link ServeOptions}: 127.0.0.1:8080, ε = 0.05, batches of up to 256. */
    public static ServeConfig defaults(String bootstrapServers, String policy, EnvSpec env) {
        return ServeOptions.parse(
                Map.of(
                        ServeOptions.BOOTSTRAP_SERVERS.key(), bootstrapServers,
                        ServeOptions.POLICY_NAME.key(), policy,
                        ServeOptions.ENV.key(), env.id()));
    }

    public ServeConfig withPort(int newPort) {
        return new ServeConfig(
                bootstrapServers,
                kafkaSettings,
                topics,
                policy,
                env,
                host,
                newPort,
                epsilon,
                maxBatch,
                maxWait,
                queueCapacity,
                maxBodyBytes,
                sessionIdle,
                serviceId,
                policyRoot,
                swapPollInterval,
                seed,
                httpThreads,
                producerSettings,
                answerBeforeAck);
    }

    public ServeConfig withMaxBodyBytes(int newMaxBodyBytes) {
        return new ServeConfig(
                bootstrapServers,
                kafkaSettings,
                topics,
                policy,
                env,
                host,
                port,
                epsilon,
                maxBatch,
                maxWait,
                queueCapacity,
                newMaxBodyBytes,
                sessionIdle,
                serviceId,
                policyRoot,
                swapPollInterval,
                seed,
                httpThreads,
                producerSettings,
                answerBeforeAck);
    }
}
