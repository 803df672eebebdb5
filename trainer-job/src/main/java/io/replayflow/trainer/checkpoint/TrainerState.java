package io.replayflow.trainer.checkpoint;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a checkpoint holds besides the graph's variables ({@code trainer-state.json}): the step
 * counters and schedules, the batch source's state (its RNG), and what the run was, so that a
 * checkpoint is never restored into a different algorithm or network.
 *
 * @param formatVersion {@link #FORMAT_VERSION}
 * @param algo e.g. {@code cql}
 * @param network e.g. {@code mlp[64,64]}
 * @param obsShape observation shape
 * @param numActions number of actions
 * @param globalStep gradient steps taken (equals the {@code global_step} variable)
 * @param lastTargetUpdateStep the step of the last target-network update
 * @param samplesSeen transitions fed to gradient steps so far
 * @param sourceState the batch source's {@code checkpointState()}
 * @param config the configuration of the run, for the record
 * @param savedAtMs wall-clock time of the save
 */
public record TrainerState(
        @JsonProperty("format_version") int formatVersion,
        @JsonProperty("algo") String algo,
        @JsonProperty("network") String network,
        @JsonProperty("obs_shape") List<Integer> obsShape,
        @JsonProperty("num_actions") int numActions,
        @JsonProperty("global_step") long globalStep,
        @JsonProperty("last_target_update_step") long lastTargetUpdateStep,
        @JsonProperty("samples_seen") long samplesSeen,
        @JsonProperty("source_state") Map<String, String> sourceState,
        @JsonProperty("config") Map<String, String> config,
        @JsonProperty("saved_at_ms") long savedAtMs) {

    public static final int FORMAT_VERSION = 1;

    /** The file name inside a checkpoint directory. */
    public static final String FILE_NAME = "trainer-state.json";

    private static final ObjectMapper JSON =
            new ObjectMapper()
                    .enable(SerializationFeature.INDENT_OUTPUT)
                    .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                    .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public TrainerState {
        obsShape = List.copyOf(Objects.requireNonNullElse(obsShape, List.of()));
        sourceState = Map.copyOf(Objects.requireNonNullElse(sourceState, Map.of()));
        config = Map.copyOf(Objects.requireNonNullElse(config, Map.of()));
    }

    /**
     * Refuses to restore this state, read from {@code dir}, into a run of another algorithm,
     * network or spec, whose variables would not match.
     *
     * @param reader what restores it ({@code trainer}, {@code learner}), for the message
     * @throws IllegalStateException naming what wrote it, what reads it, and the fix
     */
    public void requireSameRun(
            Path dir,
            String algo,
            String network,
            List<Integer> obsShape,
            int numActions,
            String reader) {
        if (!this.algo.equals(algo)
                || !this.network.equals(network)
                || !this.obsShape.equals(obsShape)
                || this.numActions != numActions) {
            throw new IllegalStateException(
                    "checkpoint "
                            + dir
                            + " was written by algo="
                            + this.algo
                            + " network="
                            + this.network
                            + " obs="
                            + this.obsShape
                            + " actions="
                            + this.numActions
                            + ", but this "
                            + reader
                            + " is algo="
                            + algo
                            + " network="
                            + network
                            + " obs="
                            + obsShape
                            + " actions="
                            + numActions
                            + ": use the same settings, or a fresh checkpoint directory");
        }
    }

    /**
     * The settings of {@code now} whose values differ from those this checkpoint was trained with,
     * by key: what a resumed run changes without being asked twice. Keys in {@code runKeys} (how
     * long, on how many threads, ...) are left out, and so are keys the checkpoint does not record
     * (settings newer than the build that wrote it). A default that changed between builds shows
     * here too: {@code trainer.n-step} recorded as 1 by a CQL run before CQL's default became 3.
     *
     * @param now the resumed run's settings ({@code TrainerConfig.toMap()})
     * @param runKeys keys a resumed run may change freely
     * @return the changes, sorted by key; empty when the run continues as it was trained
     */
    public List<SettingChange> changedSettings(Map<String, String> now, Set<String> runKeys) {
        List<SettingChange> changes = new ArrayList<>();
        new TreeMap<>(now)
                .forEach(
                        (key, value) -> {
                            String was = config.get(key);
                            if (was != null && !runKeys.contains(key) && !was.equals(value)) {
                                changes.add(new SettingChange(key, was, value));
                            }
                        });
        return changes;
    }

    public void writeTo(Path dir) throws IOException {
        JSON.writeValue(dir.resolve(FILE_NAME).toFile(), this);
    }

    public static TrainerState readFrom(Path dir) throws IOException {
        TrainerState state =
                JSON.readValue(Files.readAllBytes(dir.resolve(FILE_NAME)), TrainerState.class);
        if (state.formatVersion() != FORMAT_VERSION) {
            throw new IOException(
                    dir.resolve(FILE_NAME)
                            + " has format_version "
                            + state.formatVersion()
                            + "; this build reads "
                            + FORMAT_VERSION);
        }
        return state;
    }
}
