package io.replayflow.ingest.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.JobID;

/** Reads a running job's metrics through Flink's REST API, summed over vertices and subtasks. */
public final class FlinkRestMetrics {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final URI rest;
    private final JobID job;

    public FlinkRestMetrics(URI rest, JobID job) {
        this.rest = rest;
        this.job = job;
    }

    /**
     * The sum of every operator metric whose id ends with {@code suffix}, e.g. {@code
     * ingest.records_in}.
     */
    public long sum(String suffix) throws Exception {
        long total = 0;
        for (JsonNode vertex : get("/jobs/" + job).get("vertices")) {
            String base =
                    "/jobs/" + job + "/vertices/" + vertex.get("id").asText() + "/subtasks/metrics";
            List<String> ids = new ArrayList<>();
            for (JsonNode metric : get(base)) {
                String id = metric.get("id").asText();
                if (id.endsWith(suffix)) {
                    ids.add(id);
                }
            }
            if (ids.isEmpty()) {
                continue;
            }
            String query =
                    "?agg=sum&get="
                            + URLEncoder.encode(String.join(",", ids), StandardCharsets.UTF_8);
            for (JsonNode value : get(base + query)) {
                total += (long) value.get("sum").asDouble();
            }
        }
        return total;
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> response =
                HTTP.send(
                        HttpRequest.newBuilder(rest.resolve(path)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(
                    path + " -> " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body());
    }
}
