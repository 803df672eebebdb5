package io.replayflow.infra.stack.internal;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates (or updates) a SCRAM-SHA-512 user through the broker's internal PLAINTEXT listener, then
 * waits until a client with that user's settings is accepted on the SASL_SSL listener: the
 * credential reaches the broker's cache through the metadata log a moment after the controller
 * accepts it.
 */
public final class ScramUsers {

    private static final Logger LOG = LoggerFactory.getLogger(ScramUsers.class);
    private static final int ITERATIONS = 8192;
    private static final Duration RETRY = Duration.ofMillis(100);

    private ScramUsers() {}

    /**
     * Sets {@code username}'s password over {@code internalBootstrap}, then checks a login on
     * {@code secureBootstrap} with {@code clientProperties} until it succeeds or {@code timeout}
     * passes.
     */
    public static void upsertAndAwait(
            String internalBootstrap,
            String secureBootstrap,
            String username,
            String password,
            Map<String, String> clientProperties,
            Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                internalBootstrap,
                                AdminClientConfig.CLIENT_ID_CONFIG,
                                "replayflow-local-stack"))) {
            admin.alterUserScramCredentials(
                            List.of(
                                    new UserScramCredentialUpsertion(
                                            username,
                                            new ScramCredentialInfo(
                                                    ScramMechanism.SCRAM_SHA_512, ITERATIONS),
                                            password)))
                    .all()
                    .get(remaining(deadline), TimeUnit.NANOSECONDS);
        }
        Map<String, Object> secure = new HashMap<>(clientProperties);
        secure.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, secureBootstrap);
        secure.put(AdminClientConfig.CLIENT_ID_CONFIG, "replayflow-local-stack-check");
        try (Admin admin = Admin.create(secure)) {
            while (true) {
                try {
                    admin.describeCluster()
                            .clusterId()
                            .get(remaining(deadline), TimeUnit.NANOSECONDS);
                    LOG.info("SCRAM user {} accepted on the SASL_SSL listener", username);
                    return;
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof SaslAuthenticationException)
                            || remaining(deadline) <= RETRY.toNanos()) {
                        throw e;
                    }
                    Thread.sleep(RETRY.toMillis()); // the credential is not in the cache yet
                }
            }
        }
    }

    private static long remaining(long deadline) throws TimeoutException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new TimeoutException("the SCRAM user was not ready in time");
        }
        return left;
    }
}
