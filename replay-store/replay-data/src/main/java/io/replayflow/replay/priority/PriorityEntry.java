package io.replayflow.replay.priority;

import io.replayflow.schemas.avro.PriorityUpdate;

/**
 * The current priority of one transition as the job keeps it: the winning update under
 * last-writer-wins by trainer step. A Flink POJO (keyed state, priority files).
 */
public class PriorityEntry {

    public String actorId;
    public String episodeId;
    public long step;
    public double priority;
    public float tdError;
    public long policyVersion;
    public long trainerStep;

    /**
     * The partition directory holding the transition ({@code env_id=…/date=…/hour=…}); set by the
     * router, not written to priority files.
     */
    public String partition;

    public PriorityEntry() {}

    public static PriorityEntry of(PriorityUpdate update) {
        PriorityEntry entry = new PriorityEntry();
        entry.actorId = update.getActorId();
        entry.episodeId = update.getEpisodeId();
        entry.step = update.getStep();
        entry.priority = update.getPriority();
        entry.tdError = update.getTdError();
        entry.policyVersion = update.getPolicyVersion();
        entry.trainerStep = update.getTrainerStep();
        return entry;
    }

    /**
     * Last-writer-wins by trainer step: whether {@code candidate} replaces {@code current}. A
     * higher trainer step wins; on a tie the later arrival wins, so a replayed update (same step,
     * same value) is idempotent.
     */
    public static boolean supersedes(PriorityEntry candidate, PriorityEntry current) {
        return current == null || candidate.trainerStep >= current.trainerStep;
    }

    /** The key of this entry's transition inside its partition. */
    public String transitionKey() {
        return transitionKey(actorId, episodeId, step);
    }

    public static String transitionKey(String actorId, String episodeId, long step) {
        return actorId + '\u001f' + episodeId + '\u001f' + step;
    }

    @Override
    public String toString() {
        return transitionKey().replace('\u001f', '/')
                + " p="
                + priority
                + " @trainer_step "
                + trainerStep;
    }
}
