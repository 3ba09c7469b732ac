package dev.finescope.whatif;

/**
 * How the accuracy of an edited model differs from the unedited one's on the same {@code examples} examples, with
 * its uncertainty. Both models answer the same examples, so the comparison is paired: only the examples whose
 * correctness flipped carry information ({@code gained}: wrong before, right after; {@code lost}: the other way),
 * and {@code Δ = (gained − lost) / examples} exactly.
 *
 * <p>Whether Δ is more than noise is McNemar's exact test: under "the edit changes nothing but chance", each of
 * the {@code m = gained + lost} flipped examples is a gain or a loss with probability ½, so {@code gained} is
 * Binomial(m, ½); the two-sided p-value is twice the smaller tail, at most 1. The interval is the matching exact
 * one, conditional on m: the Clopper–Pearson interval [π₋, π₊] for the share π of gains among the flips, mapped
 * onto Δ = (m / n)(2π − 1). It contains 0 exactly when the test does not reject at its level, so "significant"
 * and "the interval excludes 0" never disagree.
 *
 * <p>A paired interval is much narrower than two separate binomial intervals: 450 examples at 90 % accuracy give
 * each accuracy a standard error of 1.4 points, but a pruned model that flips 2 examples (Δ = −0.44 points) differs
 * from the unpruned one by at most those 2 examples, and McNemar says whether 2 flips out of 2 could be chance
 * (they can: p = 0.5).
 *
 * @param gained   examples the edited model gets right and the unedited one wrong
 * @param lost     examples the unedited model gets right and the edited one wrong
 * @param examples examples both were scored on
 */
public record PairedChange(int gained, int lost, int examples) {

    /** The confidence level of {@link #lower()} and {@link #upper()}, and 1 − the significance level. */
    public static final double LEVEL = 0.95;

    public PairedChange {
        if (gained < 0 || lost < 0 || examples <= 0 || (long) gained + lost > examples) {
            throw new IllegalArgumentException("a paired change needs 0 ≤ gained + lost ≤ examples, examples > 0; "
                    + "got gained " + gained + ", lost " + lost + ", examples " + examples);
        }
    }

    /**
     * Counts the flips between two answers per example.
     *
     * @param before whether the unedited model answered each example right
     * @param after  whether the edited model did, in the same order
     */
    public static PairedChange of(boolean[] before, boolean[] after) {
        if (before.length != after.length || before.length == 0) {
            throw new IllegalArgumentException("paired answers need the same, non-zero number of examples: "
                    + before.length + " and " + after.length);
        }
        int gained = 0;
        int lost = 0;
        for (int i = 0; i < before.length; i++) {
            if (after[i] && !before[i]) {
                gained++;
            } else if (before[i] && !after[i]) {
                lost++;
            }
        }
        return new PairedChange(gained, lost, before.length);
    }

    /** Examples whose correctness flipped. */
    public int flipped() {
        return gained + lost;
    }

    /** The change of accuracy, as a share (−0.0044 for two examples lost out of 450). */
    public double delta() {
        return (gained - lost) / (double) examples;
    }

    /** McNemar's exact two-sided p-value; 1 when nothing flipped. */
    public double pValue() {
        int m = flipped();
        if (m == 0) {
            return 1;
        }
        int k = Math.min(gained, lost);
        return Math.min(1, 2 * binomialCdfHalf(k, m));
    }

    /** True when Δ is unlikely to be chance at the 5 % level: the interval excludes 0. */
    public boolean significant() {
        return pValue() < 1 - LEVEL;
    }

    /** The lower end of the {@link #LEVEL} interval of {@link #delta()}. */
    public double lower() {
        int m = flipped();
        if (m == 0) {
            return 0;
        }
        double alpha = 1 - LEVEL;
        double pi = gained == 0 ? 0 : inverseBeta(alpha / 2, gained, m - gained + 1);
        return m * (2 * pi - 1) / examples;
    }

    /** The upper end of the {@link #LEVEL} interval of {@link #delta()}. */
    public double upper() {
        int m = flipped();
        if (m == 0) {
            return 0;
        }
        double alpha = 1 - LEVEL;
        double pi = gained == m ? 1 : inverseBeta(1 - alpha / 2, gained + 1, m - gained);
        return m * (2 * pi - 1) / examples;
    }

    // ------------------------------------------------------------------------------------------------ numerics

    /** P(X ≤ k) for X ~ Binomial(m, ½), summed exactly in log space. */
    static double binomialCdfHalf(int k, int m) {
        if (k >= m) {
            return 1;
        }
        double logHalfM = m * Math.log(0.5);
        double sum = 0;
        double logC = 0; // log C(m, 0)
        for (int i = 0; i <= k; i++) {
            if (i > 0) {
                logC += Math.log((double) (m - i + 1) / i);
            }
            sum += Math.exp(logC + logHalfM);
        }
        return Math.min(1, sum);
    }

    /** The x in 0..1 with I_x(a, b) = p (the regularized incomplete beta function), by bisection. */
    static double inverseBeta(double p, double a, double b) {
        double lo = 0;
        double hi = 1;
        for (int i = 0; i < 200 && hi - lo > 1e-15; i++) {
            double mid = 0.5 * (lo + hi);
            if (incompleteBeta(mid, a, b) < p) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return 0.5 * (lo + hi);
    }

    /** I_x(a, b), by its continued fraction (Lentz's method), using the symmetry where it converges faster. */
    static double incompleteBeta(double x, double a, double b) {
        if (x <= 0) {
            return 0;
        }
        if (x >= 1) {
            return 1;
        }
        double front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x)
                + b * Math.log1p(-x));
        if (x < (a + 1) / (a + b + 2)) {
            return front * continuedFraction(x, a, b) / a;
        }
        return 1 - front * continuedFraction(1 - x, b, a) / b;
    }

    private static double continuedFraction(double x, double a, double b) {
        final double tiny = 1e-300;
        double c = 1;
        double d = 1 - (a + b) * x / (a + 1);
        d = Math.abs(d) < tiny ? tiny : d;
        d = 1 / d;
        double h = d;
        for (int m = 1; m <= 10_000; m++) {
            int m2 = 2 * m;
            double num = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
            d = 1 + num * d;
            d = Math.abs(d) < tiny ? tiny : d;
            c = 1 + num / c;
            c = Math.abs(c) < tiny ? tiny : c;
            d = 1 / d;
            h *= d * c;
            num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
            d = 1 + num * d;
            d = Math.abs(d) < tiny ? tiny : d;
            c = 1 + num / c;
            c = Math.abs(c) < tiny ? tiny : c;
            d = 1 / d;
            double step = d * c;
            h *= step;
            if (Math.abs(step - 1) < 1e-15) {
                break;
            }
        }
        return h;
    }

    /** log Γ(x) for x > 0 (Lanczos, g = 7, nine coefficients: about 15 significant digits). */
    static double logGamma(double x) {
        if (x < 0.5) {
            return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
        }
        double[] g = {0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
            1.5056327351493116e-7};
        double z = x - 1;
        double sum = g[0];
        for (int i = 1; i < g.length; i++) {
            sum += g[i] / (z + i);
        }
        double t = z + 7.5;
        return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
    }
}
