package dev.finescope.analysis;

/**
 * How sparse a set of values is: its exact zeros ({@code -0.0} included) and the entries with
 * {@code |x| < threshold}, the ones magnitude pruning at that threshold would remove. Counts add, so a cell's
 * or a row's sparsity is the sum of its tensors'.
 */
public record Sparsity(long numel, long zeros, long below, double threshold) {

    /** The sparsity of nothing, at a threshold. */
    public static Sparsity empty(double threshold) {
        return new Sparsity(0, 0, 0, threshold);
    }

    /** Share of entries that are exactly zero; NaN for no entries. */
    public double fracZero() {
        return numel == 0 ? Double.NaN : (double) zeros / numel;
    }

    /** Share of entries with {@code |x| < threshold}; NaN for no entries. */
    public double fracBelow() {
        return numel == 0 ? Double.NaN : (double) below / numel;
    }

    /** Both together; the thresholds must agree. */
    public Sparsity plus(Sparsity o) {
        if (Double.compare(threshold, o.threshold) != 0) {
            throw new IllegalArgumentException("thresholds differ: " + threshold + " and " + o.threshold);
        }
        return new Sparsity(numel + o.numel, zeros + o.zeros, below + o.below, threshold);
    }
}
