package dev.finescope.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.core.Linear;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;

/**
 * A dense layer that learns which of its pre-trained weights to zero (method.md §4): {@code W₀} stays frozen,
 * a score tensor {@code S} of the same shape trains, and the forward pass uses {@code W₀ ⊙ M} with
 * {@code M = 1[S > 0]} (or, with exact top-k, {@code M} zero on the share {@code s} of lowest scores, ties masked in row-major order). The
 * gradient reaches {@code S} straight through the step: {@code ∂L/∂S = ∂L/∂W ⊙ W₀}.
 *
 * <p>The straight-through mask is computed as {@code M + (S − stop(S))}: the added term is exactly zero in the
 * forward pass (x − x = 0 in IEEE arithmetic), so the weights used in training are bit for bit those of the
 * base model times a binary mask, which is what the overlay will store. (The form {@code M + S − stop(S)} would
 * round {@code M + S} first and could use 0.9999998·W₀.)
 *
 * <p>Initial scores: {@code −c} on the {@code round(s·n)} entries of smallest |W₀|, {@code +c} elsewhere;
 * entries of equal magnitude are taken in row-major order, so the initial sparsity is exactly
 * {@code round(s·n)/n} whatever the ties.
 */
public final class MaskedLinear implements LinearUnit {
    private final String name;
    private final ModelParameter weight;
    private final ModelParameter bias;
    private final ModelParameter scores;
    private final double sparsity;
    private final boolean exactTopK;
    private final int pruned;
    private final List<ModelParameter> parameters;

    /**
     * @param weight the pre-trained {@code W₀ [out, in]}, owned from now on by this layer's model; its values
     *               must be finite
     * @param bias   {@code [out]} or {@code null}
     */
    public MaskedLinear(String name, NDArray weight, NDArray bias, boolean trainBias, MatrixSetup setup) {
        if (setup.mode() != LinearMode.MASKED) {
            throw new IllegalArgumentException(name + ": a masked layer needs a MASKED setup, not " + setup.mode());
        }
        if (weight.getShape().dimension() != 2) {
            throw new IllegalArgumentException(name + ": a linear weight must be 2-D, not " + weight.getShape());
        }
        if (bias != null && (bias.getShape().dimension() != 1
                || bias.getShape().get(0) != weight.getShape().get(0))) {
            throw new IllegalArgumentException(name + ": bias " + bias.getShape() + " does not fit weight "
                    + weight.getShape());
        }
        this.name = name;
        this.sparsity = setup.sparsity();
        this.exactTopK = setup.exactTopK();
        float[] w0 = weight.toFloatArray();
        this.pruned = prunedCount(w0.length, sparsity);
        float[] s = initialScores(w0, sparsity, setup.scoreInit(), name);
        NDManager manager = weight.getManager();
        NDArray scoreArray = manager.create(s, weight.getShape());
        this.weight = new ModelParameter(name + ".weight", weight, ParameterGroup.WEIGHTS, false);
        this.bias = bias == null ? null
                : new ModelParameter(name + ".bias", bias, ParameterGroup.NO_DECAY, trainBias);
        this.scores = new ModelParameter(name + ".mask_scores", scoreArray, ParameterGroup.SCORES, true);
        List<ModelParameter> all = new ArrayList<>(3);
        all.add(this.weight);
        if (this.bias != null) {
            all.add(this.bias);
        }
        all.add(this.scores);
        this.parameters = Collections.unmodifiableList(all);
    }

    /** The number of entries a sparsity zeroes in a matrix of {@code n} entries: {@code round(s·n)}, half up. */
    public static int prunedCount(long n, double sparsity) {
        if (!(sparsity >= 0 && sparsity <= 1)) {
            throw new IllegalArgumentException("sparsity must lie in [0, 1], not " + sparsity);
        }
        return (int) Math.min(n, Math.round(sparsity * n));
    }

    /**
     * Magnitude-pruning scores: {@code −c} for the {@link #prunedCount} entries of smallest |W₀| (ties in
     * row-major order), {@code +c} for the rest.
     */
    public static float[] initialScores(float[] w0, double sparsity, float c, String name) {
        int n = w0.length;
        int k = prunedCount(n, sparsity);
        float[] abs = new float[n];
        for (int i = 0; i < n; i++) {
            if (!Float.isFinite(w0[i])) {
                throw new IllegalArgumentException(name + ": weight entry " + i + " is " + w0[i]
                        + "; a mask needs finite pre-trained weights");
            }
            abs[i] = Math.abs(w0[i]);
        }
        float[] scores = new float[n];
        Arrays.fill(scores, c);
        if (k == 0) {
            return scores;
        }
        float[] sorted = abs.clone();
        Arrays.sort(sorted);
        float threshold = sorted[k - 1];
        int below = 0;
        for (float a : abs) {
            if (a < threshold) {
                below++;
            }
        }
        int ties = k - below;
        for (int i = 0; i < n; i++) {
            if (abs[i] < threshold) {
                scores[i] = -c;
            } else if (abs[i] == threshold && ties > 0) {
                scores[i] = -c;
                ties--;
            }
        }
        return scores;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public LinearMode mode() {
        return LinearMode.MASKED;
    }

    public double targetSparsity() {
        return sparsity;
    }

    public boolean exactTopK() {
        return exactTopK;
    }

    public ModelParameter scores() {
        return scores;
    }

    @Override
    public NDArray forward(NDArray x) {
        NDManager scope = x.getManager();
        NDArray keep = hardMask(scope);
        NDArray frozenScores = scores.array().stopGradient();
        frozenScores.attach(scope);
        // exactly zero, with gradient one towards the scores
        NDArray straightThrough = frozenScores.neg().add(scores.array());
        NDArray mask = keep.add(straightThrough);
        NDArray w = mask.mul(weight.array());
        return Linear.linear(x, w, bias == null ? null : bias.array()).singletonOrThrow();
    }

    /** {@code M} as 0/1 floats in {@code scope}, without gradient. */
    private NDArray hardMask(NDManager scope) {
        NDArray s = scores.array().stopGradient();
        s.attach(scope);
        NDArray kept;
        if (exactTopK && pruned > 0) {
            kept = topKKept(s, pruned);
        } else if (exactTopK) {
            kept = s.onesLike();
        } else {
            kept = s.gt(0f);
        }
        return kept.toType(DataType.FLOAT32, false);
    }

    /**
     * Keeps all but the {@code pruned} lowest scores. Scores tie often (Adam's first step moves every score by
     * about the same amount), so entries equal to the threshold are masked in row-major order, as the initial
     * scores are, until exactly {@code pruned} entries are masked: the sparsity is exact whatever the ties, and
     * which tied entries go does not depend on the sorting kernel.
     */
    private static NDArray topKKept(NDArray s, int pruned) {
        NDArray threshold = s.flatten().sort().get(pruned - 1);
        NDArray below = s.lt(threshold);
        NDArray atThreshold = s.eq(threshold);
        NDArray budget = below.toType(DataType.INT64, false).sum().neg().add((long) pruned);
        NDArray tieRank = atThreshold.flatten().toType(DataType.INT64, false).cumSum(0).reshape(s.getShape());
        NDArray tiesMasked = atThreshold.logicalAnd(tieRank.lte(budget));
        return below.logicalOr(tiesMasked).logicalNot();
    }

    /** The current mask, row-major: a set bit keeps the pre-trained entry, a clear bit zeroes it. */
    public BitSet mask() {
        float[] m;
        try (NDManager scope = scores.array().getManager().newSubManager()) {
            m = hardMask(scope).toFloatArray();
        }
        BitSet bits = new BitSet(m.length);
        for (int i = 0; i < m.length; i++) {
            if (m[i] != 0f) {
                bits.set(i);
            }
        }
        return bits;
    }

    /** Share of entries the current mask zeroes. */
    public double currentSparsity() {
        long n = scores.array().size();
        return (n - mask().cardinality()) / (double) n;
    }

    @Override
    public List<ModelParameter> parameters() {
        return parameters;
    }

    @Override
    public float[] effectiveWeight() {
        float[] w = weight.toFloatArray();
        BitSet keep = mask();
        for (int i = 0; i < w.length; i++) {
            if (!keep.get(i)) {
                w[i] = 0f;
            }
        }
        return w;
    }
}
