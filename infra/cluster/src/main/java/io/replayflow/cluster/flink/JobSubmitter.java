package io.replayflow.cluster.flink;

import com.fasterxml.jackson.databind.JsonNode;
import io.replayflow.cluster.ClusterException;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Submits job jars to a Flink cluster and watches the jobs, through the REST API only (what {@code
 * flink run} does for a session cluster): {@code POST /jars/upload}, {@code POST /jars/:id/run},
 * {@code GET /jobs/overview}, {@code PATCH /jobs/:id?mode=cancel}, {@code GET
 * /jobs/:id/checkpoints}.
 *
 * <pre>{@code
 * JobSubmitter jobs = new JobSubmitter("http://127.0.0.1:18081");
 * String jarId = jobs.upload(Path.of("ingest/target/replayflow-ingest-0.1.0-SNAPSHOT-job.jar"));
 * String jobId = jobs.run(jarId, "io.replayflow.ingest.IngestJob",
 *         List.of("--kafka.bootstrap.servers", "127.0.0.1:19092", "--data.root", "file:///data"));
 * }</pre>
 */
public final class JobSubmitter {

    /** A job as {@code /jobs/overview} lists it. */
    public record JobInfo(String id, String name, String state, long startTimeMs) {}

    /** The checkpoint counters and latest checkpoints of a job. */
    public record CheckpointStats(
            long completed,
            long failed,
            long restored,
            Optional<Long> latestCompletedId,
            long latestStateSizeBytes,
            Optional<Long> latestRestoredId) {}

    private final FlinkRest rest;

    public JobSubmitter(String restUrl) {
        this.rest = new FlinkRest(restUrl);
    }

    /** Uploads a job jar and returns its id on the cluster. */
    public String upload(Path jar) throws IOException, InterruptedException {
        String boundary = "replayflow-" + UUID.randomUUID();
        String head =
                "--"
                        + boundary
                        + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                        + jar.getFileName()
                        + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n";
        String tail = "\r\n--" + boundary + "--\r\n";
        HttpRequest.BodyPublisher body =
                HttpRequest.BodyPublishers.concat(
                        HttpRequest.BodyPublishers.ofString(head, StandardCharsets.UTF_8),
                        HttpRequest.BodyPublishers.ofFile(jar),
                        HttpRequest.BodyPublishers.ofString(tail, StandardCharsets.UTF_8));
        JsonNode answer =
                rest.send(
                        HttpRequest.newBuilder(rest.uri("/jars/upload"))
                                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                                .POST(body));
        String filename = answer.path("filename").asText("");
        if (filename.isEmpty()) {
            throw new ClusterException(
                    "the upload of " + jar + " returned no file name: " + answer);
        }
        return Path.of(filename).getFileName().toString();
    }

    /** Runs {@code entryClass} of an uploaded jar with {@code args}; returns the job id. */
    public String run(String jarId, String entryClass, List<String> args)
            throws IOException, InterruptedException {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("entryClass", entryClass);
        request.put("programArgsList", args);
        JsonNode answer = rest.post("/jars/" + jarId + "/run", request);
        String jobId = answer.path("jobid").asText("");
        if (jobId.isEmpty()) {
            throw new ClusterException("running " + entryClass + " returned no job id: " + answer);
        }
        return jobId;
    }

    /** Every job the cluster knows, running or finished. */
    public List<JobInfo> jobs() throws IOException, InterruptedException {
        List<JobInfo> jobs = new ArrayList<>();
        for (JsonNode job : rest.get("/jobs/overview").path("jobs")) {
            jobs.add(
                    new JobInfo(
                            job.path("jid").asText(),
                            job.path("name").asText(),
                            job.path("state").asText(),
                            job.path("start-time").asLong()));
        }
        return jobs;
    }

    /** The job's state ({@code RUNNING}, {@code RESTARTING}, ...). */
    public String state(String jobId) throws IOException, InterruptedException {
        return rest.get("/jobs/" + jobId).path("state").asText();
    }

    /** Whether the job runs and every one of its tasks is running (not just scheduled). */
    public boolean fullyRunning(String jobId) throws IOException, InterruptedException {
        JsonNode job = rest.get("/jobs/" + jobId);
        if (!"RUNNING".equals(job.path("state").asText())) {
            return false;
        }
        for (JsonNode vertex : job.path("vertices")) {
            if (!"RUNNING".equals(vertex.path("status").asText())) {
                return false;
            }
        }
        return true;
    }

    /** How often the job has restarted since it was submitted. */
    public long restarts(String jobId) throws IOException, InterruptedException {
        for (JsonNode metric : rest.get("/jobs/" + jobId + "/metrics?get=numRestarts")) {
            return (long) metric.path("value").asDouble();
        }
        return 0;
    }

    /** The job's checkpoint statistics. */
    public CheckpointStats checkpoints(String jobId) throws IOException, InterruptedException {
        JsonNode stats = rest.get("/jobs/" + jobId + "/checkpoints");
        JsonNode counts = stats.path("counts");
        JsonNode completed = stats.path("latest").path("completed");
        JsonNode restored = stats.path("latest").path("restored");
        return new CheckpointStats(
                counts.path("completed").asLong(),
                counts.path("failed").asLong(),
                counts.path("restored").asLong(),
                completed.isObject()
                        ? Optional.of(completed.path("id").asLong())
                        : Optional.empty(),
                completed.path("state_size").asLong(),
                restored.isObject() ? Optional.of(restored.path("id").asLong()) : Optional.empty());
    }

    /** Cancels a job (its retained checkpoints stay). */
    public void cancel(String jobId) throws IOException, InterruptedException {
        rest.patch("/jobs/" + jobId + "?mode=cancel");
    }

    /** The cluster overview: TaskManagers, slots, jobs by state. */
    public JsonNode overview() throws IOException, InterruptedException {
        return rest.get("/overview");
    }

    /** The registered TaskManagers ({@code GET /taskmanagers}). */
    public JsonNode taskManagers() throws IOException, InterruptedException {
        return rest.get("/taskmanagers").path("taskmanagers");
    }

    /** The REST base URL. */
    public String restUrl() {
        return rest.baseUrl();
    }
}
