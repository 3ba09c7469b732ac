package dev.finescope.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.BitSet;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MaskedLinearTest {
    static final int OUT = 24;
    static final int IN = 40;
    /** float32 products summed over 40 inputs, compared with a double-precision sum. */
    static final double GRADIENT_TOLERANCE = 1e-5;

    static float[] gaussian(int n, long seed) {
        Random r = new Random(seed);
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) r.nextGaussian();
        }
        return f;
    }

    @Test
    void initialScoresPruneTheSmallestMagnitudesAndBreakTiesInRowMajorOrder() {
        float[] w = {0.5f, -0.1f, 0.1f, 0.2f, -0.1f, 0.3f};
        assertArrayEquals(new float[] {3, -3, -3, 3, -3, 3}, MaskedLinear.initialScores(w, 0.5, 3f, "w"));
        assertArrayEquals(new float[] {3, -3, -3, 3, 3, 3}, MaskedLinear.initialScores(w, 1.0 / 3, 3f, "w"));
        assertArrayEquals(new float[] {3, 3, 3, 3, 3, 3}, MaskedLinear.initialScores(w, 0, 3f, "w"));
        assertArrayEquals(new float[] {-2, -2, -2, -2, -2, -2}, MaskedLinear.initialScores(w, 1, 2f, "w"));
    }

    @Test
    void prunedCountRoundsHalfUp() {
        assertEquals(307, MaskedLinear.prunedCount(3072, 0.1));
        assertEquals(1, MaskedLinear.prunedCount(2, 0.25));
        assertEquals(0, MaskedLinear.prunedCount(2, 0.24));
        assertThrows(IllegalArgumentException.class, () -> MaskedLinear.prunedCount(2, 1.5));
    }

    @Test
    void aNonFiniteWeightIsRefusedWithItsPlace() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MaskedLinear.initialScores(new float[] {1, Float.NaN}, 0.5, 3f, "layer.q"));
        assertTrue(e.getMessage().startsWith("layer.q: weight entry 1 is NaN"), e.getMessage());
    }

    @Test
    void theInitialMaskIsBinaryAndHoldsTheTargetSparsityExactly() {
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] w0 = gaussian(OUT * IN, 1);
            // many exact ties: quantise half of the entries
            for (int i = 0; i < w0.length; i += 2) {
                w0[i] = Math.round(w0[i] * 4) / 4f;
            }
            MaskedLinear layer = new MaskedLinear("q", manager.create(w0, new Shape(OUT, IN)), null, false,
                    MatrixSetup.masked(0.3));
            int pruned = MaskedLinear.prunedCount(OUT * IN, 0.3);
            BitSet mask = layer.mask();
            assertEquals(OUT * IN - pruned, mask.cardinality());
            float[] effective = layer.effectiveWeight();
            float maxPruned = 0;
            float minKept = Float.MAX_VALUE;
            for (int i = 0; i < w0.length; i++) {
                if (mask.get(i)) {
                    assertEquals(w0[i], effective[i]);
                    minKept = Math.min(minKept, Math.abs(w0[i]));
                } else {
                    assertEquals(0f, effective[i]);
                    maxPruned = Math.max(maxPruned, Math.abs(w0[i]));
                }
            }
            assertTrue(maxPruned <= minKept, "a pruned entry is larger than a kept one");
        }
    }

    @Test
    void forwardUsesExactlyThePretrainedWeightsTimesTheMask() {
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] w0 = gaussian(OUT * IN, 2);
            float[] b = gaussian(OUT, 3);
            MaskedLinear masked = new MaskedLinear("q", manager.create(w0, new Shape(OUT, IN)),
                    manager.create(b), false, MatrixSetup.masked(0.4));
            DenseLinear reference = new DenseLinear("r", manager.create(masked.effectiveWeight(),
                    new Shape(OUT, IN)), manager.create(b), false, false);
            NDArray x = manager.create(gaussian(5 * IN, 4), new Shape(5, IN));
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                // with gradients recorded too, the straight-through term must add exactly zero
                float[] got = masked.forward(x).toFloatArray();
                assertArrayEquals(reference.forward(x).toFloatArray(), got);
            }
        }
    }

    @Test
    void scoreGradientIsTheWeightGradientTimesThePretrainedWeights() {
        int batch = 6;
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] w0 = gaussian(OUT * IN, 5);
            float[] xs = gaussian(batch * IN, 6);
            float[] r = gaussian(batch * OUT, 7);
            MaskedLinear layer = new MaskedLinear("q", manager.create(w0, new Shape(OUT, IN)),
                    manager.zeros(new Shape(OUT)), false, MatrixSetup.masked(0.25));
            NDArray x = manager.create(xs, new Shape(batch, IN));
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray y = layer.forward(x);
                // L = Σ y ⊙ r, so ∂L/∂W[o][i] = Σ_b r[b][o]·x[b][i]
                collector.backward(y.mul(manager.create(r, new Shape(batch, OUT))).sum());
            }
            float[] grad = layer.scores().array().getGradient().toFloatArray();
            double worst = 0;
            for (int o = 0; o < OUT; o++) {
                for (int i = 0; i < IN; i++) {
                    double dw = 0;
                    for (int s = 0; s < batch; s++) {
                        dw += (double) r[s * OUT + o] * xs[s * IN + i];
                    }
                    worst = Math.max(worst, Math.abs(dw * w0[o * IN + i] - grad[o * IN + i]));
                }
            }
            assertTrue(worst <= GRADIENT_TOLERANCE, "score gradient off by " + worst);
            assertTrue(!layer.parameters().get(0).array().hasGradient(), "W₀ must not take a gradient");
        }
    }

    @Test
    void exactTopKHoldsTheSparsityWhateverTheScores() {
        try (NDManager manager = NDManager.newBaseManager()) {
            MaskedLinear layer = new MaskedLinear("q", manager.create(gaussian(OUT * IN, 8), new Shape(OUT, IN)),
                    null, false, MatrixSetup.maskedTopK(0.2));
            int pruned = MaskedLinear.prunedCount(OUT * IN, 0.2);
            assertEquals(OUT * IN - pruned, layer.mask().cardinality());
            // scores that moved far from ±c, mostly positive: thresholding at zero would keep far more
            float[] moved = gaussian(OUT * IN, 9);
            for (int i = 0; i < moved.length; i++) {
                moved[i] += 2f;
            }
            layer.scores().array().set(moved);
            BitSet mask = layer.mask();
            assertEquals(OUT * IN - pruned, mask.cardinality());
            float[] sorted = moved.clone();
            java.util.Arrays.sort(sorted);
            for (int i = 0; i < moved.length; i++) {
                assertEquals(moved[i] > sorted[pruned - 1], mask.get(i), "entry " + i);
            }
        }
    }
    @Test
    void exactTopKMasksTiedScoresInRowMajorOrderSoTheSparsityHolds() {
        try (NDManager manager = NDManager.newBaseManager()) {
            MaskedLinear layer = new MaskedLinear("q", manager.create(gaussian(OUT * IN, 8), new Shape(OUT, IN)),
                    null, false, MatrixSetup.maskedTopK(0.2));
            int pruned = MaskedLinear.prunedCount(OUT * IN, 0.2);
            // Adam's first step moves every score by about its rate, so scores fall on a few levels: here 100
            // entries at -0.07, the rest of the first 400 at -0.03 (the threshold level), the others at +0.07
            float[] levels = new float[OUT * IN];
            for (int i = 0; i < levels.length; i++) {
                levels[i] = i < 100 ? -0.07f : i < 400 ? -0.03f : 0.07f;
            }
            layer.scores().array().set(levels);
            BitSet mask = layer.mask();
            assertEquals(OUT * IN - pruned, mask.cardinality());
            for (int i = 0; i < levels.length; i++) {
                assertEquals(i >= pruned, mask.get(i), "entry " + i);
            }
        }
    }
}
