package dev.finescope.analysis;

/**
 * The closeness of a pre-trained tensor {@code a} and its fine-tuned counterpart {@code b}
 * ({@code method.md} §1), accumulated in double precision in one pass.
 *
 * @param angleNote why {@code angleRad} (and {@code cosine}) is NaN, or {@code null} when it is defined
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
        String angleNote) {
}
