package io.replayflow.trainer.data;

import io.replayflow.schemas.policy.PolicyManifest;
import io.replayflow.trainer.TransitionSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An in-memory replay dataset in columns: for row {@code i}, observation {@code obs[i * obsSize ..
 * (i + 1) * obsSize)} (float, or bytes for uint8 images), action, n-step return {@code R =
 * sum_{k<n} gamma^k r_{t+k}}, bootstrap discount {@code gamma^n (1 - terminated)}, the observation
 * n steps later, and optionally the transition's identity (for priority updates). Immutable once
 * built.
 */
public final class TransitionColumns {

    private final TransitionSpec spec;
    private final int size;
    private final float[] obs;
    private final byte[] obsBytes;
    private final int[] actions;
    private final float[] nStepReturns;
    private final float[] bootstrapDiscounts;
    private final float[] nextObs;
    private final byte[] nextObsBytes;
    private final List<TransitionKey> keys;
    private final PolicyManifest.Lineage lineage;

    private TransitionColumns(Builder b, PolicyManifest.Lineage lineage) {
        this.spec = b.spec;
        this.size = b.size;
        int len = size * spec.obsSize();
        this.obs = b.obs == null ? null : Arrays.copyOf(b.obs, len);
        this.obsBytes = b.obsBytes == null ? null : Arrays.copyOf(b.obsBytes, len);
        this.nextObs = b.nextObs == null ? null : Arrays.copyOf(b.nextObs, len);
        this.nextObsBytes = b.nextObsBytes == null ? null : Arrays.copyOf(b.nextObsBytes, len);
        this.actions = Arrays.copyOf(b.actions, size);
        this.nStepReturns = Arrays.copyOf(b.returns, size);
        this.bootstrapDiscounts = Arrays.copyOf(b.discounts, size);
        this.keys = b.keys.size() == size ? List.copyOf(b.keys) : null;
        this.lineage = lineage;
    }

    public static Builder builder(TransitionSpec spec) {
        return new Builder(spec);
    }

    public TransitionSpec spec() {
        return spec;
    }

    public int size() {
        return size;
    }

    /** The transition identity of row {@code i}, if the columns carry identities. */
    public java.util.Optional<TransitionKey> key(int row) {
        return keys == null ? java.util.Optional.empty() : java.util.Optional.of(keys.get(row));
    }

    public PolicyManifest.Lineage lineage() {
        return lineage;
    }

    public int action(int row) {
        return actions[row];
    }

    public float nStepReturn(int row) {
        return nStepReturns[row];
    }

    public float bootstrapDiscount(int row) {
        return bootstrapDiscounts[row];
    }

    /** Copies row {@code row} into slot {@code slot} of {@code batch} (weight and row id aside). */
    void copyRow(int row, TrainingBatch batch, int slot) {
        int n = spec.obsSize();
        if (obs != null) {
            System.arraycopy(obs, row * n, batch.obs(), slot * n, n);
            System.arraycopy(nextObs, row * n, batch.nextObs(), slot * n, n);
        } else {
            System.arraycopy(obsBytes, row * n, batch.obsBytes(), slot * n, n);
            System.arraycopy(nextObsBytes, row * n, batch.nextObsBytes(), slot * n, n);
        }
        batch.actions()[slot] = actions[row];
        batch.nStepReturns()[slot] = nStepReturns[row];
        batch.bootstrapDiscounts()[slot] = bootstrapDiscounts[row];
    }

    /** Observation of row {@code row} as floats (pixels as 0..255). */
    public float[] obs(int row) {
        int n = spec.obsSize();
        float[] out = new float[n];
        for (int k = 0; k < n; k++) {
            out[k] = obs != null ? obs[row * n + k] : (obsBytes[row * n + k] & 0xFF);
        }
        return out;
    }

    /** Appends rows; arrays grow as needed. Not thread-safe. */
    public static final class Builder {
        private final TransitionSpec spec;
        private final boolean images;
        private int size;
        private float[] obs;
        private byte[] obsBytes;
        private float[] nextObs;
        private byte[] nextObsBytes;
        private int[] actions = new int[16];
        private float[] returns = new float[16];
        private float[] discounts = new float[16];
        private final List<TransitionKey> keys = new ArrayList<>();
        private PolicyManifest.Lineage lineage;

        private Builder(TransitionSpec spec) {
            this.spec = Objects.requireNonNull(spec, "spec");
            this.images = spec.obsType() == TransitionSpec.ObsType.UINT8;
            int len = 16 * spec.obsSize();
            if (images) {
                obsBytes = new byte[len];
                nextObsBytes = new byte[len];
            } else {
                obs = new float[len];
                nextObs = new float[len];
            }
        }

        /** Adds a float-observation row. */
        public Builder add(
                float[] observation,
                int action,
                float nStepReturn,
                float bootstrapDiscount,
                float[] nextObservation) {
            if (images) {
                throw new IllegalStateException(
                        "these columns hold uint8 images: use addImage(byte[], ...)");
            }
            checkLength(observation.length, "observation");
            checkLength(nextObservation.length, "next observation");
            int i = beginRow(action, nStepReturn, bootstrapDiscount);
            int n = spec.obsSize();
            System.arraycopy(observation, 0, obs, i * n, n);
            System.arraycopy(nextObservation, 0, nextObs, i * n, n);
            return this;
        }

        /** Adds a uint8-image row ({@code [H, W, C]} row-major bytes). */
        public Builder addImage(
                byte[] observation,
                int action,
                float nStepReturn,
                float bootstrapDiscount,
                byte[] nextObservation) {
            if (!images) {
                throw new IllegalStateException(
                        "these columns hold float observations: use add(float[], ...)");
            }
            checkLength(observation.length, "observation");
            checkLength(nextObservation.length, "next observation");
            int i = beginRow(action, nStepReturn, bootstrapDiscount);
            int n = spec.obsSize();
            System.arraycopy(observation, 0, obsBytes, i * n, n);
            System.arraycopy(nextObservation, 0, nextObsBytes, i * n, n);
            return this;
        }

        /** The identity of the row added last (all rows or none must have one). */
        public Builder key(TransitionKey key) {
            if (keys.size() != size - 1) {
                throw new IllegalStateException("key() belongs right after the add() of its row");
            }
            keys.add(Objects.requireNonNull(key));
            return this;
        }

        /** Where the data came from; by default no sources and {@code transitions = size}. */
        public Builder lineage(PolicyManifest.Lineage lineage) {
            this.lineage = lineage;
            return this;
        }

        public int size() {
            return size;
        }

        public TransitionColumns build() {
            if (!keys.isEmpty() && keys.size() != size) {
                throw new IllegalStateException(
                        keys.size()
                                + " of "
                                + size
                                + " rows have keys: give every row one or none");
            }
            PolicyManifest.Lineage l =
                    lineage != null
                            ? lineage
                            : new PolicyManifest.Lineage(List.of(), null, null, size, List.of());
            return new TransitionColumns(this, l);
        }

        private int beginRow(int action, float nStepReturn, float bootstrapDiscount) {
            if (action < 0 || action >= spec.numActions()) {
                throw new IllegalArgumentException(
                        "action "
                                + action
                                + " at row "
                                + size
                                + " is outside [0, "
                                + spec.numActions()
                                + ")");
            }
            if (!Float.isFinite(nStepReturn)
                    || !(bootstrapDiscount >= 0f && bootstrapDiscount <= 1f)) {
                throw new IllegalArgumentException(
                        "row "
                                + size
                                + " has n-step return "
                                + nStepReturn
                                + " and bootstrap discount "
                                + bootstrapDiscount
                                + ": the return must be finite and the discount in [0, 1]");
            }
            if (size == actions.length) {
                int cap = Math.multiplyExact(actions.length, 2);
                actions = Arrays.copyOf(actions, cap);
                returns = Arrays.copyOf(returns, cap);
                discounts = Arrays.copyOf(discounts, cap);
                int len = Math.multiplyExact(cap, spec.obsSize());
                if (images) {
                    obsBytes = Arrays.copyOf(obsBytes, len);
                    nextObsBytes = Arrays.copyOf(nextObsBytes, len);
                } else {
                    obs = Arrays.copyOf(obs, len);
                    nextObs = Arrays.copyOf(nextObs, len);
                }
            }
            actions[size] = action;
            returns[size] = nStepReturn;
            discounts[size] = bootstrapDiscount;
            return size++;
        }

        private void checkLength(int length, String what) {
            if (length != spec.obsSize()) {
                throw new IllegalArgumentException(
                        what
                                + " of row "
                                + size
                                + " has "
                                + length
                                + " elements; the spec "
                                + spec.obsShape()
                                + " needs "
                                + spec.obsSize());
            }
        }
    }
}
