package dev.finescope.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.finescope.common.Progress;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RandomInitTest {

    /** Statistical checks allow six standard deviations: a false alarm about once in 500 million runs. */
    private static final double SIGMAS = 6;

    @Test
    void valuesDependOnSeedNameAndIndexOnlyNotOnChunking() {
        long key = RandomInit.key(42, "bert.encoder.layer.0.attention.self.query.weight");
        float[] whole = new float[10_001];
        RandomInit.fill(key, 0.02, 0, whole, 0, whole.length);

        float[] pieces = new float[whole.length];
        int from = 0;
        int step = 1;
        while (from < pieces.length) {
            int count = Math.min(step, pieces.length - from);
            RandomInit.fill(key, 0.02, from, pieces, from, count);
            from += count;
            step = step * 3 % 17 + 1; // odd and even starts, sizes 1 … 17
        }
        assertArrayEquals(whole, pieces);

        float[] again = new float[whole.length];
        RandomInit.fill(RandomInit.key(42, "bert.encoder.layer.0.attention.self.query.weight"), 0.02, 0, again, 0,
                again.length);
        assertArrayEquals(whole, again);
    }

    @Test
    void anotherSeedOrNameGivesOtherValues() {
        float[] a = values(RandomInit.key(1, "w"), 64);
        float[] b = values(RandomInit.key(2, "w"), 64);
        float[] c = values(RandomInit.key(1, "v"), 64);
        assertFalse(Arrays.equals(a, b));
        assertFalse(Arrays.equals(a, c));
    }

    @Test
    void theGeneratorIsPinnedSoThatReferenceScalesStayComparableAcrossVersions() {
        float[] v = values(RandomInit.key(20240612, "bert.embeddings.word_embeddings.weight"), 4);
        assertArrayEquals(new float[] {-0.29140893f, -0.8599758f, 0.24709955f, 1.0928847f}, v);
    }

    @Test
    void valuesAreNormalWithTheRequestedDeviation() {
        int n = 1_000_000;
        double std = 0.02;
        float[] v = new float[n];
        RandomInit.fill(RandomInit.key(7, "w"), std, 0, v, 0, n);

        double sum = 0;
        double sumSq = 0;
        long within1 = 0;
        long within2 = 0;
        for (float x : v) {
            sum += x;
            sumSq += (double) x * x;
            within1 += Math.abs(x) < std ? 1 : 0;
            within2 += Math.abs(x) < 2 * std ? 1 : 0;
        }
        double mean = sum / n;
        double variance = sumSq / n - mean * mean;
        assertEquals(0, mean, SIGMAS * std / Math.sqrt(n), "mean");
        assertEquals(std * std, variance, SIGMAS * std * std * Math.sqrt(2.0 / n), "variance");
        assertShare(0.6826894921370859, within1, n, "within one deviation");
        assertShare(0.9544997361036416, within2, n, "within two deviations");
    }

    @Test
    void referenceScaleIsDeterministicAndWhereItsExpectationSays() {
        InMemoryCheckpoint base = Fixtures.base();
        double std = 0.02;
        ModelComparison one = new Analyzer(1, 100).compareWithRandomInit(base, "base", std, 1234, Fixtures::locate,
                Progress.NONE);
        ModelComparison three = new Analyzer(3, 100).compareWithRandomInit(base, "base", std, 1234,
                Fixtures::locate, Progress.NONE);
        assertEquals(one, three);
        assertEquals("random init (normal, std 0.02, seed 1234)", one.tunedLabel());
        assertEquals(List.of("bert.embeddings.position_ids"), one.onlyInBase(), "integer buffers have no init");
        assertEquals(List.of(), one.onlyInTuned());

        for (TensorComparison t : one.tensors()) {
            long n = t.metrics().numel();
            double a2 = t.sums().sumSqBase();
            // b ~ N(0, std²) independent of a: E‖b−a‖² = ‖a‖² + n·std², Var = 4·std²‖a‖² + 2n·std⁴
            double expected = a2 + n * std * std;
            double sd = Math.sqrt(4 * std * std * a2 + 2 * n * Math.pow(std, 4));
            double l2sq = t.metrics().l2() * t.metrics().l2();
            assertEquals(expected, l2sq, SIGMAS * sd, t.name() + " squared distance");
            if (a2 > 0) {
                assertEquals(Math.sqrt(1 + n * std * std / a2), t.metrics().relL2(),
                        SIGMAS * sd / (2 * Math.sqrt(expected * a2)), t.name() + " relative L2");
                assertEquals(0, t.metrics().cosine(), SIGMAS / Math.sqrt(n), t.name() + " cosine");
            }
        }
    }

    @Test
    void theRandomModelNeverHoldsATensorWhole() {
        InMemoryCheckpoint base = Fixtures.base();
        new Analyzer(2, 128).compareWithRandomInit(base, "base", 0.02, 1, Fixtures::locate, Progress.NONE);
        assertTrue(base.largestRead() <= 128);
    }

    private static void assertShare(double p, long hits, int n, String what) {
        assertEquals(p, (double) hits / n, SIGMAS * Math.sqrt(p * (1 - p) / n), what);
    }

    private static float[] values(long key, int n) {
        float[] v = new float[n];
        RandomInit.fill(key, 1.0, 0, v, 0, n);
        return v;
    }
}
