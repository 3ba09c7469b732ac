package dev.finescope.whatif;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SpearmanTest {

    @Test
    void withoutTiesItIsOneMinusSixSumOfSquaredRankDifferencesOverNTimesNSquaredMinusOne() {
        // rank differences -1, 1, -1, 1, 0: 1 - 6·4 / (5·24) = 0.8
        assertEquals(0.8, Spearman.rho(new double[] {1, 2, 3, 4, 5}, new double[] {2, 1, 4, 3, 5}), 1e-15);
        assertEquals(1.0, Spearman.rho(new double[] {0.1, 5, 70}, new double[] {-3, 0, 1e9}), 1e-15,
                "only the order counts");
        assertEquals(-1.0, Spearman.rho(new double[] {1, 2, 3}, new double[] {3, 2, 1}), 1e-15);
    }

    @Test
    void tiesShareTheirMeanRank() {
        assertArrayEquals(new double[] {1, 2.5, 2.5, 4}, Spearman.ranks(new double[] {1, 2, 2, 3}));
        // Pearson of ranks (1, 2.5, 2.5, 4) and (1, 2, 3, 4): 4.5 / sqrt(4.5 · 5)
        assertEquals(4.5 / Math.sqrt(4.5 * 5), Spearman.rho(new double[] {1, 2, 2, 3}, new double[] {1, 2, 3, 4}),
                1e-15);
    }

    @Test
    void tooFewOrConstantValuesHaveNoCorrelation() {
        assertTrue(Double.isNaN(Spearman.rho(new double[] {1}, new double[] {2})));
        assertTrue(Double.isNaN(Spearman.rho(new double[] {1, 1, 1}, new double[] {1, 2, 3})));
    }
}
