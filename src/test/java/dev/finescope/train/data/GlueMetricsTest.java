package dev.finescope.train.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Expected values worked out by hand from the definitions scikit-learn and SciPy implement (accuracy_score,
 * f1_score, matthews_corrcoef, pearsonr, spearmanr), each written as the fraction it is.
 */
class GlueMetricsTest {
    static final double EXACT = 1e-15;

    // TP 2, FP 1, FN 1, TN 4
    static final int[] LABELS = {1, 1, 1, 0, 0, 0, 0, 0};
    static final int[] PREDICTIONS = {1, 1, 0, 1, 0, 0, 0, 0};

    @Test
    void accuracyF1AndMatthewsOfABinaryConfusionMatrix() {
        assertEquals(6 / 8.0, GlueMetrics.accuracy(LABELS, PREDICTIONS), EXACT);
        assertEquals(2 * 2 / (2.0 * 2 + 1 + 1), GlueMetrics.f1(LABELS, PREDICTIONS), EXACT);
        // (TP·TN − FP·FN) / sqrt((TP+FP)(TP+FN)(TN+FP)(TN+FN)) = 7 / 15
        assertEquals(7 / 15.0, GlueMetrics.matthews(LABELS, PREDICTIONS), EXACT);
    }

    @Test
    void matthewsOfThreeClassesIsGorodkinsFormula() {
        int[] truth = {0, 1, 2, 0, 1, 2};
        int[] said = {0, 2, 1, 0, 0, 2};
        // c = 3, s = 6, t = (2, 2, 2), p = (3, 1, 2): (3·6 − 12) / sqrt((36 − 14)(36 − 12))
        assertEquals(6 / Math.sqrt(22 * 24), GlueMetrics.matthews(truth, said), EXACT);
    }

    @Test
    void degenerateCasesGiveTheLibrariesValues() {
        int[] allZero = {0, 0, 0, 0};
        int[] mixed = {0, 1, 0, 1};
        assertEquals(0, GlueMetrics.matthews(mixed, allZero), "a constant prediction correlates with nothing");
        assertEquals(0, GlueMetrics.f1(mixed, allZero), "no true positive");
        assertEquals(1, GlueMetrics.matthews(mixed, mixed), EXACT);
        assertTrue(Double.isNaN(GlueMetrics.pearson(new double[] {1, 2, 3}, new double[] {5, 5, 5})));
        assertThrows(IllegalArgumentException.class, () -> GlueMetrics.accuracy(new int[0], new int[0]));
        assertThrows(IllegalArgumentException.class, () -> GlueMetrics.accuracy(new int[1], new int[2]));
    }

    @Test
    void pearsonOfASmallSeries() {
        // means 3 and 4; Σdxdy = 6, Σdx² = 10, Σdy² = 6 → 6 / sqrt(60)
        assertEquals(6 / Math.sqrt(60), GlueMetrics.pearson(new double[] {1, 2, 3, 4, 5},
                new double[] {2, 4, 5, 4, 5}), EXACT);
    }

    @Test
    void spearmanGivesTiesTheirAverageRank() {
        assertArrayEquals(new double[] {1, 2.5, 2.5, 4}, GlueMetrics.ranks(new double[] {1, 2, 2, 3}));
        assertArrayEquals(new double[] {3, 1, 3, 3}, GlueMetrics.ranks(new double[] {7, -1, 7, 7}));
        // ranks (1, 2.5, 2.5, 4) against (1, 3, 2, 4): Σdxdy = 4.5, Σdx² = 4.5, Σdy² = 5 → 4.5 / sqrt(22.5)
        assertEquals(4.5 / Math.sqrt(22.5), GlueMetrics.spearman(new double[] {1, 2, 2, 3},
                new double[] {1, 3, 2, 4}), EXACT);
        assertEquals(-1, GlueMetrics.spearman(new double[] {1, 2, 3}, new double[] {30, 20, 10}), EXACT);
    }

    @Test
    void aTasksMetricsComeUnderTheirKeysInOrder() {
        Map<String, Double> m = GlueMetrics.classification(Task.MRPC.metrics(), LABELS, PREDICTIONS);
        assertEquals(List.of("accuracy", "f1"), List.copyOf(m.keySet()));
        Map<String, Double> r = GlueMetrics.regression(Task.STS_B.metrics(), new double[] {1, 2, 3},
                new double[] {1, 3, 2});
        assertEquals(List.of("pearson", "spearman"), List.copyOf(r.keySet()));
        assertThrows(IllegalArgumentException.class,
                () -> GlueMetrics.classification(Task.STS_B.metrics(), LABELS, PREDICTIONS));
    }
}
