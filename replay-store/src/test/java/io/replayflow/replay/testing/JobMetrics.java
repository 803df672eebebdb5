package io.replayflow.replay.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** Reads a job's operator metrics through Flink's REST API, summed over subtasks and operators. */
public final class JobMetrics {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private JobMetrics() {}

    /**
     * Sum of every metric whose name ends with {@code suffix}, e.g. {@code replay.rows_too_late}.
     */
    public static double sum(URI rest, String jobId, String suffix) throws Exception {
        double total = 0;
        for (JsonNode vertex : get(rest, "/jobs/" + jobId).path("vertices")) {
            String base = "/jobs/" + jobId + "/vertices/" + vertex.path("id").asText();
            for (JsonNode metric : get(rest, base + "/subtasks/metrics")) {
                String name = metric.path("id").asText();
                if (name.endsWith(suffix)) {
                    String query =
                            "?agg=sum&get=" + URLEncoder.encode(name, StandardCharsets.UTF_8);
                    for (JsonNode value : get(rest, base + "/subtasks/metrics" + query)) {
                        total += value.path("sum").asDouble();
                    }
                }
            }
        }
        return total;
    }

    private static JsonNode get(URI rest, String path) throws Exception {
        HttpResponse<String> response =
                HTTP.send(
                        HttpRequest.newBuilder(rest.resolve(path)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }
}
