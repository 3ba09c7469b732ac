package dev.finescope.analysis;

import java.util.Arrays;
import java.util.Objects;

/**
 * Counts of values in equal-width bins over {@code [lo, hi]}, the last bin closed like numpy's. Values outside
 * the range are counted apart ({@link #below()}, {@link #above()}) so that nothing disappears silently; on the
 * {@code log10|x|} scale exact zeros have no place and are counted in {@link #zeros()}; NaN in
 * {@link #nonFinite()}.
 *
 * @param values what was counted: base, tuned or delta (tuned − base) values
 * @param log10  true when the bins are over {@code log10|x|}
 * @param numel  every element looked at
 */
public record Histogram(
        Values values,
        boolean log10,
        double lo,
        double hi,
        long[] counts,
        long below,
        long above,
        long zeros,
        long nonFinite,
        long numel) {

    /** Which numbers a histogram counts. */
    public enum Values {
        /** The pre-trained values {@code a}. */
        BASE,
        /** The fine-tuned values {@code b}. */
        TUNED,
        /** The change {@code b − a}, computed in double. */
        DELTA
    }

    public Histogram {
        Objects.requireNonNull(values, "values");
        counts = counts.clone();
    }

    @Override
    public long[] counts() {
        return counts.clone();
    }

    public int bins() {
        return counts.length;
    }

    public long count(int bin) {
        return counts[bin];
    }

    /** The lower edge of a bin, computed as numpy's {@code linspace} does. */
    public double binLower(int bin) {
        return edge(lo, hi, counts.length, bin);
    }

    /** The upper edge of a bin. */
    public double binUpper(int bin) {
        return edge(lo, hi, counts.length, bin + 1);
    }

    /** Values inside {@code [lo, hi]}. */
    public long inRange() {
        return Arrays.stream(counts).sum();
    }

    static double edge(double lo, double hi, int bins, int k) {
        return dev.finescope.checkpoint.EqualBins.edge(lo, hi, bins, k);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Histogram h && values == h.values && log10 == h.log10
                && Double.compare(lo, h.lo) == 0 && Double.compare(hi, h.hi) == 0 && Arrays.equals(counts, h.counts)
                && below == h.below && above == h.above && zeros == h.zeros && nonFinite == h.nonFinite
                && numel == h.numel;
    }

    @Override
    public int hashCode() {
        return Objects.hash(values, log10, lo, hi, Arrays.hashCode(counts), below, above, zeros, nonFinite, numel);
    }

    @Override
    public String toString() {
        return "Histogram[" + values + (log10 ? " log10|x|" : "") + " [" + lo + ", " + hi + "] "
                + Arrays.toString(counts) + " below=" + below + " above=" + above + " zeros=" + zeros
                + " nonFinite=" + nonFinite + " numel=" + numel + "]";
    }
}
