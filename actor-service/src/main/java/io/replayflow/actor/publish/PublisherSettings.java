package io.replayflow.actor.publish;

import io.replayflow.schemas.Secrets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * How an actor process produces transitions: the settings behind the Kafka producer.
 *
 * <p>Fixed by design (not settable, because the guarantees depend on them): idempotence, {@code
 * acks=all}, at most 5 requests in flight (the idempotent producer's limit, so order per partition
 * is kept across retries), unlimited retries within {@code delivery.timeout.ms}. Tuned for many
 * small records: a batch of {@code batchSize} bytes per partition waiting up to {@code linger},
 * compressed with {@code compression} (lz4 costs the least CPU). {@code bufferMemory} bounds what
 * waits to be sent; when it is full {@code send} blocks (back-pressure) up to {@code maxBlock},
 * after which the actor stops with an error rather than drop a record.
 *
 * @param bootstrapServers {@code host:port,...}
 * @param clientId the producer's {@code client.id}
 * @param compression {@code lz4}, {@code zstd}, {@code snappy}, {@code gzip} or {@code none}
 * @param linger {@code linger.ms}
 * @param batchSize {@code batch.size} in bytes
 * @param bufferMemory {@code buffer.memory} in bytes
 * @param maxBlock {@code max.block.ms}: the longest a send waits for buffer space or metadata
 * @param extra further producer settings passed through as they are (security, ...); they may not
 *     override the fixed ones
 */
public record PublisherSettings(
        String bootstrapServers,
        String clientId,
        String compression,
        Duration linger,
        int batchSize,
        long bufferMemory,
        Duration maxBlock,
        Map<String, String> extra) {

    /** Compression codecs the producer accepts. */
    public static final Set<String> COMPRESSIONS = Set.of("lz4", "zstd", "snappy", "gzip", "none");

    private static final Set<String> FIXED =
            Set.of(
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                    ProducerConfig.ACKS_CONFIG,
                    ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
                    ProducerConfig.RETRIES_CONFIG,
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);

    public PublisherSettings {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException(
                    "bootstrap servers are required, e.g. 127.0.0.1:9092 (the address 'replayflow"
                            + " stack' prints)");
        }
        Objects.requireNonNull(clientId, "clientId");
        if (!COMPRESSIONS.contains(compression)) {
            throw new IllegalArgumentException(
                    "compression '" + compression + "' is not one of " + COMPRESSIONS);
        }
        requirePositive("linger", linger, true);
        requirePositive("maxBlock", maxBlock, false);
        if (batchSize < 1024) {
            throw new IllegalArgumentException(
                    "batchSize must be at least 1024 bytes; got " + batchSize);
        }
        if (bufferMemory < 2L * batchSize) {
            throw new IllegalArgumentException(
                    "bufferMemory ("
                            + bufferMemory
                            + " bytes) must hold at least two batches of batchSize ("
                            + batchSize
                            + " bytes)");
        }
        extra = Secrets.hidingSecrets(Objects.requireNonNullElse(extra, Map.of()));
        for (String key : extra.keySet()) {
            if (FIXED.contains(key)) {
                throw new IllegalArgumentException(
                        "producer setting "
                                + key
                                + " is fixed by the actor (idempotent, acks=all, byte[]"
                                + " serializers); remove it");
            }
        }
    }

    /** Defaults tuned for ~100-byte transitions: lz4, 10 ms linger, 256 KiB batches, 64 MiB. */
    public static PublisherSettings defaults(String bootstrapServers, String clientId) {
        return new PublisherSettings(
                bootstrapServers,
                clientId,
                "lz4",
                Duration.ofMillis(10),
                256 * 1024,
                64L * 1024 * 1024,
                Duration.ofSeconds(60),
                Map.of());
    }

    /** The producer configuration. */
    public Properties producerProperties() {
        Properties props = new Properties();
        props.putAll(extra);
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        props.put(ProducerConfig.RETRIES_CONFIG, Integer.toString(Integer.MAX_VALUE));
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
        props.put(ProducerConfig.LINGER_MS_CONFIG, Long.toString(linger.toMillis()));
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(batchSize));
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(bufferMemory));
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(maxBlock.toMillis()));
        return props;
    }

    private static void requirePositive(String name, Duration value, boolean zeroAllowed) {
        if (value == null || value.isNegative() || (!zeroAllowed && value.isZero())) {
            throw new IllegalArgumentException(
                    name + " must be " + (zeroAllowed ? ">= 0" : "> 0") + "; got " + value);
        }
    }
}
