package io.replayflow.trainer.run;

import io.replayflow.log.layout.DatasetLayout;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resolves data roots and the default places of trainer output under them. */
final class DataRoots {

    private DataRoots() {}

    /**
     * The local directory of a data root given as a {@code file://} URI or a plain path.
     *
     * @param flag how the root is named in messages, e.g. {@code --data-root}
     * @throws IllegalArgumentException for another scheme or a directory that does not exist
     */
    static Path localDirectory(URI root, String flag) {
        Path dir;
        if (root.getScheme() == null) {
            dir = Path.of(root.getPath());
        } else if (root.getScheme().equals("file")) {
            dir = Path.of(root);
        } else {
            throw new IllegalArgumentException(
                    flag
                            + " "
                            + root
                            + ": the trainer writes checkpoints and policies to a local directory;"
                            + " give a file:// URI or a path (s3:// and hdfs:// roots are not"
                            + " supported yet)");
        }
        dir = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(
                    flag
                            + " "
                            + dir
                            + " does not exist or is not a directory: give the data root that"
                            + " holds experience/ (`./replayflow stack` prints it)");
        }
        return dir;
    }

    /** {@code <root>/checkpoints/trainer/<policyName>}. */
    static Path defaultCheckpoints(Path root, String policyName) {
        return root.resolve(DatasetLayout.CHECKPOINTS_DIR).resolve("trainer").resolve(policyName);
    }

    /** {@code <root>/tensorboard/<policyName>}. */
    static Path defaultTensorboard(Path root, String policyName) {
        return root.resolve("tensorboard").resolve(policyName);
    }
}
