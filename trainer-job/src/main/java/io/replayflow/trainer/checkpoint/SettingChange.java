package io.replayflow.trainer.checkpoint;

import java.nio.file.Path;
import java.util.List;

/**
 * A setting whose value in a resumed run differs from the one its checkpoint was trained with.
 *
 * @param key e.g. {@code trainer.n-step}
 * @param was the checkpoint's value
 * @param now the resumed run's value
 */
public record SettingChange(String key, String was, String now) {

    /** {@code trainer.n-step 1 -> 3}. */
    @Override
    public String toString() {
        return key + " " + was + " -> " + now;
    }

    /** {@code trainer.lr 0.01 -> 0.001, trainer.n-step 1 -> 3}: the changes as one list. */
    public static String describe(List<SettingChange> changes) {
        return String.join(", ", changes.stream().map(SettingChange::toString).toList());
    }

    /**
     * The warning a trainer logs when it resumes from {@code dir} with {@code changes}: what
     * changed, that the new values win, and how to keep the old ones.
     */
    public static String resumeWarning(Path dir, List<SettingChange> changes) {
        return "resumed from "
                + dir
                + " with settings that differ from the checkpoint's: "
                + describe(changes)
                + "; the run goes on with the new values (to keep the checkpoint's, pass them"
                + " with --set, or start in a fresh checkpoint directory)";
    }
}
