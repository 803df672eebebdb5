package io.replayflow.cli.loop;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Properties;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.prometheus.AbstractPrometheusReporter;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * Flink's Prometheus reporter, serving on the loopback interface only. Flink's own {@code
 * PrometheusReporter} binds every interface and has no host setting; this one keeps Flink's metric
 * naming and label conversion ({@link AbstractPrometheusReporter}) and serves the same registry
 * from {@code 127.0.0.1:<port>}.
 *
 * <p>The registry is a package-private field of {@link AbstractPrometheusReporter}, read once by
 * reflection when the reporter opens; if a Flink upgrade renames it, the reporter fails to open
 * with a message saying so (Flink logs it and runs on without the reporter).
 */
public final class LoopbackPrometheusReporter extends AbstractPrometheusReporter {

    /** The reporter setting with the port ({@code metrics.reporter.<name>.port}). */
    static final String PORT = "port";

    private HTTPServer server;

    /** The port it serves on (after {@link #open}). */
    int port() {
        return server.getPort();
    }

    @Override
    public void open(MetricConfig config) {
        super.open(config);
        int port = config.getInteger(PORT, 0);
        try {
            server =
                    new HTTPServer(
                            new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                            registry());
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "could not serve Flink's metrics on 127.0.0.1:" + port + " (port in use?)", e);
        }
        log.info("Serving Flink's Prometheus metrics on 127.0.0.1:{}", server.getPort());
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop();
        }
        super.close();
    }

    private CollectorRegistry registry() {
        try {
            Field field = AbstractPrometheusReporter.class.getDeclaredField("registry");
            field.setAccessible(true);
            return (CollectorRegistry) field.get(this);
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException(
                    "this Flink version's AbstractPrometheusReporter has no 'registry' field;"
                            + " update LoopbackPrometheusReporter for it",
                    e);
        }
    }

    /**
     * Named in {@code metrics.reporter.<name>.factory.class}. Flink only accepts factories it finds
     * through {@link java.util.ServiceLoader}, so it is listed in {@code
     * META-INF/services/org.apache.flink.metrics.reporter.MetricReporterFactory}.
     */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new LoopbackPrometheusReporter();
        }
    }
}
