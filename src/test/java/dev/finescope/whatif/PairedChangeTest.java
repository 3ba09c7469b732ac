package dev.finescope.whatif;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * McNemar's exact test and the matching exact interval of a paired change of accuracy, against numbers computed
 * independently with SciPy 1.17 ({@code scipy.stats.binomtest(gained, gained + lost, 0.5)}: its {@code pvalue}, and
 * its {@code proportion_ci(0.95, method="exact")} mapped onto Δ = m / n · (2π − 1)).
 */
class PairedChangeTest {

    /** gained, lost, examples, p-value, lower, upper: from SciPy. */
    private static final double[][] SCIPY = {
        {0, 2, 450, 0.5, -0.0044444444444444444, 0.003038987706592062},
        {0, 4, 450, 0.125, -0.008888888888888889, 0.0018198157442930807},
        {0, 7, 450, 0.015625, -0.015555555555555555, -0.00281193430855404},
        {3, 12, 450, 0.03515625, -0.0304458663262776, -0.0012739244128764555},
        {20, 5, 872, 0.004077315330505371, 0.005330422461058339, 0.024752783026804052},
        {7, 7, 100, 1.0, -0.07549904839454573, 0.07549904839454573},
        {150, 120, 10000, 0.07738939898021849, -0.00031861912705459907, 0.006252042872297119},
        {1, 0, 12, 1.0, -0.07916666666666666, 0.08333333333333333},
        {0, 30, 450, 1.862645149230957e-09, -0.06666666666666667, -0.05123955890372967},
        {45, 2, 450, 1.6044054973463062e-11, 0.07407090427579371, 0.1033591448475285},
    };

    @Test
    void pValuesAndIntervalsAreScipysExactOnes() {
        for (double[] c : SCIPY) {
            PairedChange p = new PairedChange((int) c[0], (int) c[1], (int) c[2]);
            String what = (int) c[0] + " gained, " + (int) c[1] + " lost of " + (int) c[2];
            assertEquals(c[3], p.pValue(), 1e-12 + 1e-9 * c[3], what + ": p-value");
            assertEquals(c[4], p.lower(), 1e-12, what + ": lower end");
            assertEquals(c[5], p.upper(), 1e-12, what + ": upper end");
            assertEquals(c[3] < 0.05, p.significant(), what);
            assertEquals(p.significant(), p.lower() > 0 || p.upper() < 0, what + ": the interval and the test agree");
        }
    }

    @Test
    void twoExamplesLostOutOf450AreWithinNoise() {
        PairedChange p = new PairedChange(0, 2, 450);
        assertEquals(-2 / 450.0, p.delta());
        assertFalse(p.significant());
        assertTrue(p.lower() < 0 && p.upper() > 0);
    }

    @Test
    void flipsAreCountedFromTheAnswersOfBothModels() {
        boolean[] before = {true, true, false, false, true, false};
        boolean[] after = {true, false, true, false, false, false};
        PairedChange p = PairedChange.of(before, after);
        assertEquals(new PairedChange(1, 2, 6), p);
        assertEquals(-1 / 6.0, p.delta());
        assertEquals(3, p.flipped());
    }

    @Test
    void nothingFlippedIsNoChangeAtAll() {
        PairedChange p = new PairedChange(0, 0, 450);
        assertEquals(0.0, p.delta());
        assertEquals(1.0, p.pValue());
        assertEquals(0.0, p.lower());
        assertEquals(0.0, p.upper());
        assertFalse(p.significant());
    }

    @Test
    void impossibleCountsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new PairedChange(3, 3, 5));
        assertThrows(IllegalArgumentException.class, () -> new PairedChange(-1, 0, 5));
        assertThrows(IllegalArgumentException.class, () -> new PairedChange(0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> PairedChange.of(new boolean[2], new boolean[3]));
    }

    @Test
    void theNumericsMatchKnownValues() {
        // Γ(5) = 24, Γ(½) = √π; I_x(1, 1) = x; I_½(a, a) = ½
        assertEquals(Math.log(24), PairedChange.logGamma(5), 1e-13);
        assertEquals(0.5 * Math.log(Math.PI), PairedChange.logGamma(0.5), 1e-13);
        assertEquals(0.3, PairedChange.incompleteBeta(0.3, 1, 1), 1e-14);
        assertEquals(0.5, PairedChange.incompleteBeta(0.5, 7, 7), 1e-14);
        assertEquals((1 + 5 + 10) / 32.0, PairedChange.binomialCdfHalf(2, 5), 1e-15);
    }
}
