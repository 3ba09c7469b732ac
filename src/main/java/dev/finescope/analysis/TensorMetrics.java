package dev.finescope.analysis;

/**
 * The closeness of a pre-trained tensor {@code a} and its fine-tuned counterpart {@code b}
 * ({@code method.md} §1), accumulated in double precision in one pass.
 *
 * <p>A metric whose definition divides by zero is NaN, never infinite, and {@link #note()} says why: a relative
 * metric of an all-zero base, the cosine and angle of an all-zero tensor, any metric of an empty tensor. NaN or
 * infinite entries make the sums they enter NaN (counts stay exact); the note says so.
 *
 * @param note why some metric is NaN, or {@code null} when every metric is defined
 */
public record TensorMetrics(
        long numel,
        double meanAbsDelta,
        double relL1,
        double l2,
        double relL2,
        double cosine,
        double angleRad,
        double fracChanged,
        double fracZero,
        double maxAbsDelta,
        String note) {

    /** The metrics that follow from a pass's sums. */
    public static TensorMetrics of(MetricSums s) {
        long n = s.count();
        if (n == 0) {
            return new TensorMetrics(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                    Double.NaN, Double.NaN, Double.NaN, "empty tensor");
        }
        double alpha = s.baseNorm();
        double l2 = Math.sqrt(s.sumSqDelta());
        double relL1 = s.sumAbsBase() > 0 ? s.sumAbsDelta() / s.sumAbsBase() : Double.NaN;
        double relL2 = alpha > 0 ? l2 / alpha : Double.NaN;
        double cosine = Double.NaN;
        double angle = Double.NaN;
        if (s.hasAngle()) {
            double u = s.bestUnitDiffSq();
            cosine = 1 - u / 2;
            angle = 2 * Math.atan2(Math.sqrt(u), Math.sqrt(4 - u));
        }
        String why = null;
        if (!s.isFinite()) {
            why = "tensor holds NaN or infinite values";
        } else if (s.sumSqBase() == 0 && s.sumSqTuned() == 0) {
            why = "both tensors are all zeros";
        } else if (s.sumSqBase() == 0) {
            why = "base tensor is all zeros";
        } else if (s.sumSqTuned() == 0) {
            why = "tuned tensor is all zeros";
        }
        return new TensorMetrics(n, s.sumAbsDelta() / n, relL1, l2, relL2, cosine, angle,
                (double) s.changed() / n, (double) s.zeros() / n, s.maxAbsDelta(),
                why);
    }

    /** Why the angle (and the cosine) is NaN, or {@code null} when it is defined. */
    public String angleNote() {
        return Double.isNaN(angleRad) ? note : null;
    }
}
