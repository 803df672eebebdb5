package io.replayflow.cluster.kafka;

import io.replayflow.cluster.ClusterConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code server.properties} of broker {@code id} of a {@link ClusterConfig}: KRaft combined
 * mode (every broker is also a controller voter of a static quorum), PLAINTEXT on loopback, every
 * topic (internal ones included) replicated {@value ClusterConfig#REPLICATION_FACTOR} times with
 * {@code min.insync.replicas} {@value ClusterConfig#MIN_INSYNC_REPLICAS}, unclean leader election
 * off. Failure detection is tightened for a local cluster: a killed broker is fenced after 6 s.
 */
public final class BrokerProperties {

    private static final String CLIENT = "PLAINTEXT";
    private static final String CONTROLLER = "CONTROLLER";

    private BrokerProperties() {}

    /** The settings of broker {@code id} (1-based), in a stable order. */
    public static Map<String, String> of(ClusterConfig config, int id, Path logDir) {
        if (id < 1 || id > config.brokers()) {
            throw new IllegalArgumentException(
                    "broker id " + id + " is outside 1.." + config.brokers());
        }
        String rf = Integer.toString(ClusterConfig.REPLICATION_FACTOR);
        String minIsr = Integer.toString(ClusterConfig.MIN_INSYNC_REPLICAS);
        String host = ClusterConfig.HOST;
        Map<String, String> s = new LinkedHashMap<>();
        s.put("node.id", Integer.toString(id));
        s.put("process.roles", "broker,controller");
        s.put("controller.quorum.voters", voters(config));
        s.put(
                "listeners",
                CLIENT
                        + "://"
                        + host
                        + ":"
                        + config.brokerPort(id)
                        + ","
                        + CONTROLLER
                        + "://"
                        + host
                        + ":"
                        + config.brokerControllerPort(id));
        s.put("advertised.listeners", CLIENT + "://" + host + ":" + config.brokerPort(id));
        s.put("controller.listener.names", CONTROLLER);
        s.put("inter.broker.listener.name", CLIENT);
        s.put("listener.security.protocol.map", CLIENT + ":PLAINTEXT," + CONTROLLER + ":PLAINTEXT");
        s.put("log.dirs", logDir.toAbsolutePath().toString());
        s.put("auto.create.topics.enable", "false");
        s.put("num.partitions", Integer.toString(config.partitions()));
        s.put("default.replication.factor", rf);
        s.put("min.insync.replicas", minIsr);
        s.put("unclean.leader.election.enable", "false");
        s.put("offsets.topic.replication.factor", rf);
        s.put("offsets.topic.num.partitions", "4");
        s.put("transaction.state.log.replication.factor", rf);
        s.put("transaction.state.log.min.isr", minIsr);
        s.put("transaction.state.log.num.partitions", "4");
        s.put("share.coordinator.state.topic.replication.factor", rf);
        s.put("share.coordinator.state.topic.min.isr", minIsr);
        s.put("share.coordinator.state.topic.num.partitions", "1");
        s.put("group.initial.rebalance.delay.ms", "0");
        // Flink's exactly-once sink may ask for long transactions; the default cap is 15 min.
        s.put("transaction.max.timeout.ms", "3600000");
        // A killed broker is fenced (and its leaderships moved) after this long without heartbeat.
        s.put("broker.session.timeout.ms", "6000");
        s.put("broker.heartbeat.interval.ms", "1000");
        // Small machine: few threads, a small log-cleaner buffer (128 MiB on the heap by default).
        s.put("num.network.threads", "2");
        s.put("num.io.threads", "2");
        s.put("num.replica.fetchers", "1");
        s.put("num.recovery.threads.per.data.dir", "1");
        s.put("background.threads", "2");
        s.put("log.cleaner.threads", "1");
        s.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));
        return s;
    }

    /** {@code 1@127.0.0.1:CP1,2@127.0.0.1:CP2,...}: the static controller quorum. */
    public static String voters(ClusterConfig config) {
        List<String> voters = new ArrayList<>();
        for (int id = 1; id <= config.brokers(); id++) {
            voters.add(id + "@" + ClusterConfig.HOST + ":" + config.brokerControllerPort(id));
        }
        return String.join(",", voters);
    }

    /** The settings as the text of a properties file. */
    public static String render(Map<String, String> settings) {
        StringBuilder text = new StringBuilder("# Written by replayflow cluster up\n");
        settings.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        return text.toString();
    }
}
