package io.replayflow.trainer;

import io.replayflow.trainer.data.TransitionColumns;

/** Small datasets for tests. */
final class TestData {

    private TestData() {}

    /** Random float transitions of {@code obsDim} elements and {@code numActions} actions. */
    static TransitionColumns randomVectors(int size, int obsDim, int numActions, long seed) {
        SeededRandom rng = new SeededRandom(seed);
        TransitionColumns.Builder b =
                TransitionColumns.builder(TransitionSpec.vector(obsDim, numActions));
        float[] obs = new float[obsDim];
        float[] next = new float[obsDim];
        for (int i = 0; i < size; i++) {
            for (int k = 0; k < obsDim; k++) {
                obs[k] = (float) rng.nextDouble(-1, 1);
                next[k] = (float) rng.nextDouble(-1, 1);
            }
            b.add(
                    obs,
                    rng.nextInt(numActions),
                    (float) rng.nextDouble(),
                    rng.nextDouble() < 0.1 ? 0f : 0.99f,
                    next);
        }
        return b.build();
    }

    /** Random uint8 images {@code [side, side, 1]}. */
    static TransitionColumns randomImages(int size, int side, int numActions, long seed) {
        SeededRandom rng = new SeededRandom(seed);
        TransitionSpec spec = TransitionSpec.image(side, side, 1, numActions);
        TransitionColumns.Builder b = TransitionColumns.builder(spec);
        byte[] obs = new byte[spec.obsSize()];
        byte[] next = new byte[spec.obsSize()];
        for (int i = 0; i < size; i++) {
            rng.nextBytes(obs);
            rng.nextBytes(next);
            b.addImage(obs, rng.nextInt(numActions), 1f, 0.99f, next);
        }
        return b.build();
    }

    /** {@code count} random float observations, row-major. */
    static float[] observations(int count, int obsSize, long seed, float scale) {
        SeededRandom rng = new SeededRandom(seed);
        float[] out = new float[count * obsSize];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) rng.nextDouble(0, 1) * scale;
        }
        return out;
    }
}
