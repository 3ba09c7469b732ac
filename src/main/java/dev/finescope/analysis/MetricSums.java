package dev.finescope.analysis;

/**
 * The double-precision sums one pass over a pre-trained tensor {@code a} and its fine-tuned counterpart {@code b}
 * collects, from which every metric of {@code method.md} §1 follows. Sums rather than metrics are what merge:
 * the chunks of a large tensor, the weight and bias of a grid cell, the cells of a row. Merging is exact
 * arithmetic on the sums in a fixed order, so a result does not depend on how many threads produced it.
 *
 * <p>The angle needs {@code ‖â−b̂‖²} (with {@code â = a/‖a‖}, {@code b̂ = b/‖b‖}) to full relative precision even
 * when the two tensors are nearly parallel, where {@code 2 − 2·cos} cancels to noise. {@link #unitDiffSq()} holds
 * that value once known: from the closed forms of {@link #closedFormUnitDiffSq()} when they are well conditioned,
 * otherwise from a second pass ({@link Analyzer} does it). It merges exactly: for parts {@code p} of a whole,
 * {@code ‖â−b̂‖² = Σ_p (α_p·β_p/(α·β))·u_p + (α_p/α − β_p/β)²} with {@code α, β} the norms of the whole,
 * a sum of non-negative terms that needs no second pass over the parts.
 *
 * @param count        number of entries {@code n}
 * @param sumAbsDelta  {@code Σ|b−a|}
 * @param sumAbsBase   {@code Σ|a|}
 * @param sumSqDelta   {@code Σ(b−a)²}
 * @param sumSqBase    {@code Σa²}
 * @param sumSqTuned   {@code Σb²}
 * @param sumProduct   {@code Σa·b}
 * @param sumBaseDelta {@code Σa·(b−a)}, which gives {@code ‖b‖−‖a‖} without cancellation when {@code b ≈ a}
 * @param changed      entries with {@code b ≠ a} (NaN counts as changed, {@code -0.0} equals {@code 0.0})
 * @param zeros        entries with {@code b == 0} ({@code -0.0} included)
 * @param maxAbsDelta  {@code max|b−a|}; NaN once any entry is NaN
 * @param unitDiffSq   {@code ‖â−b̂‖²} when known; NaN while unknown or undefined (a norm is zero)
 */
public record MetricSums(
        long count,
        double sumAbsDelta,
        double sumAbsBase,
        double sumSqDelta,
        double sumSqBase,
        double sumSqTuned,
        double sumProduct,
        double sumBaseDelta,
        long changed,
        long zeros,
        double maxAbsDelta,
        double unitDiffSq) {

    /** The sums of no entries. */
    public static final MetricSums EMPTY = new MetricSums(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, Double.NaN);

    /**
     * The closed forms are trusted when the value they give keeps at least this share of the magnitude of the
     * terms it was computed from; below it a second pass computes {@code ‖â−b̂‖²} directly. Rounding errors of the
     * sums are about 1e-16 of those terms, so the closed form is then good to about 1e-10 relative.
     */
    static final double CONDITION_LIMIT = 1e-6;

    /** Accumulates entries {@code [0, count)} of {@code a} and {@code b}: the fused inner loop of the analysis. */
    public static MetricSums of(float[] a, float[] b, int count) {
        double sAbsD = 0;
        double sAbsA = 0;
        double sD2 = 0;
        double sA2 = 0;
        double sB2 = 0;
        double sAB = 0;
        double sAD = 0;
        double max = 0;
        long changed = 0;
        long zeros = 0;
        for (int i = 0; i < count; i++) {
            float af = a[i];
            float bf = b[i];
            double x = af;
            double y = bf;
            double d = y - x;
            double ad = Math.abs(d);
            sAbsD += ad;
            sAbsA += Math.abs(x);
            sD2 += d * d;
            sA2 += x * x;
            sB2 += y * y;
            sAB += x * y;
            sAD += x * d;
            if (ad > max) {
                max = ad;
            }
            if (bf != af) {
                changed++;
            }
            if (bf == 0f) {
                zeros++;
            }
        }
        if (Double.isNaN(sAbsD)) {
            max = Double.NaN;
        }
        return new MetricSums(count, sAbsD, sAbsA, sD2, sA2, sB2, sAB, sAD, changed, zeros, max, Double.NaN);
    }

    /** {@code ‖a‖₂}. */
    public double baseNorm() {
        return Math.sqrt(sumSqBase);
    }

    /** {@code ‖b‖₂}. */
    public double tunedNorm() {
        return Math.sqrt(sumSqTuned);
    }

    /** True when every sum is finite (no NaN or infinite entry was met). */
    public boolean isFinite() {
        return Double.isFinite(sumAbsDelta) && Double.isFinite(sumAbsBase) && Double.isFinite(sumSqDelta)
                && Double.isFinite(sumSqBase) && Double.isFinite(sumSqTuned) && Double.isFinite(sumProduct)
                && Double.isFinite(sumBaseDelta);
    }

    /** True when both tensors have a direction (finite and not all zeros), so that the angle is defined. */
    public boolean hasAngle() {
        return isFinite() && sumSqBase > 0 && sumSqTuned > 0;
    }

    /**
     * {@code ‖â−b̂‖²} from the sums alone, NaN when the angle is undefined. With {@code d = b−a} it is
     * {@code (Σd² − (‖b‖−‖a‖)²) / (‖a‖‖b‖)} where {@code ‖b‖−‖a‖ = (2Σa·d + Σd²)/(‖a‖+‖b‖)}: exact for small changes
     * and used when {@code Σd² ≤ ‖a‖‖b‖}; otherwise {@code 2 − 2·Σab/(‖a‖‖b‖)}.
     */
    public double closedFormUnitDiffSq() {
        if (!hasAngle()) {
            return Double.NaN;
        }
        double alpha = baseNorm();
        double beta = tunedNorm();
        double ab = alpha * beta;
        double u;
        if (sumSqDelta <= ab) {
            double gap = normGap(alpha, beta);
            u = (sumSqDelta - gap * gap) / ab;
        } else {
            u = 2 - 2 * (sumProduct / ab);
        }
        return Math.min(4, Math.max(0, u));
    }

    /**
     * True when {@link #closedFormUnitDiffSq()} is accurate to about 1e-10 relative (or the angle is undefined),
     * so that no second pass is needed: the value it gives keeps at least {@link #CONDITION_LIMIT} of the
     * magnitude of the terms it is computed from.
     */
    public boolean isClosedFormAccurate() {
        if (!hasAngle()) {
            return true;
        }
        double alpha = baseNorm();
        double beta = tunedNorm();
        double ab = alpha * beta;
        if (sumSqDelta <= ab) {
            double gap = normGap(alpha, beta);
            return sumSqDelta == 0 || sumSqDelta - gap * gap >= CONDITION_LIMIT * sumSqDelta;
        }
        return 2 - 2 * (sumProduct / ab) >= CONDITION_LIMIT;
    }

    /** {@link #unitDiffSq()} when known, else the closed form. */
    public double bestUnitDiffSq() {
        return Double.isNaN(unitDiffSq) ? closedFormUnitDiffSq() : unitDiffSq;
    }

    /** These sums with {@code ‖â−b̂‖²} set (from the closed form or a second pass). */
    public MetricSums withUnitDiffSq(double value) {
        return new MetricSums(count, sumAbsDelta, sumAbsBase, sumSqDelta, sumSqBase, sumSqTuned, sumProduct,
                sumBaseDelta, changed, zeros, maxAbsDelta, value);
    }

    /** The sums over the entries of both (this first), with {@code ‖â−b̂‖²} merged exactly when both know it. */
    public MetricSums plus(MetricSums o) {
        double sA2 = sumSqBase + o.sumSqBase;
        double sB2 = sumSqTuned + o.sumSqTuned;
        return new MetricSums(
                count + o.count,
                sumAbsDelta + o.sumAbsDelta,
                sumAbsBase + o.sumAbsBase,
                sumSqDelta + o.sumSqDelta,
                sA2,
                sB2,
                sumProduct + o.sumProduct,
                sumBaseDelta + o.sumBaseDelta,
                changed + o.changed,
                zeros + o.zeros,
                Math.max(maxAbsDelta, o.maxAbsDelta),
                mergedUnitDiffSq(o, Math.sqrt(sA2), Math.sqrt(sB2)));
    }

    private double mergedUnitDiffSq(MetricSums o, double alpha, double beta) {
        if (!(alpha > 0 && beta > 0) || !Double.isFinite(alpha * beta)) {
            return Double.NaN;
        }
        return partTerm(alpha, beta) + o.partTerm(alpha, beta);
    }

    /** This part's share of {@code ‖â−b̂‖²} of a whole with norms {@code alpha}, {@code beta}. */
    private double partTerm(double alpha, double beta) {
        double a = baseNorm();
        double b = tunedNorm();
        double within = a * b == 0 ? 0 : (a * b) / (alpha * beta) * unitDiffSq;
        double spread = a / alpha - b / beta;
        return within + spread * spread;
    }

    private double normGap(double alpha, double beta) {
        return (2 * sumBaseDelta + sumSqDelta) / (alpha + beta);
    }
}
