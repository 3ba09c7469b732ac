package dev.finescope.analysis;

import java.util.Objects;

/**
 * What a histogram counts and how it bins: fixed bins over a given range, or automatic bins over the range of
 * the values (found by a first min/max pass). Automatic bin counts follow the square-root rule,
 * {@code ceil(√n)} bins for {@code n} binned values, capped at {@link #MAX_AUTO_BINS}: a rule a streamed
 * pass can apply, unlike Freedman–Diaconis, which needs quantiles.
 *
 * @param lo   lower edge for fixed bins; NaN for an automatic range
 * @param hi   upper edge for fixed bins; NaN for an automatic range
 * @param bins number of bins; 0 for the square-root rule (automatic range only)
 */
public record HistogramSpec(Histogram.Values values, boolean log10, double lo, double hi, int bins) {

    /** The most bins the square-root rule gives. */
    public static final int MAX_AUTO_BINS = 200;

    public HistogramSpec {
        Objects.requireNonNull(values, "values");
        if (bins < 0) {
            throw new IllegalArgumentException("bins must not be negative, not " + bins);
        }
        if (Double.isNaN(lo) != Double.isNaN(hi)) {
            throw new IllegalArgumentException("give both edges, or neither for an automatic range");
        }
        if (!Double.isNaN(lo) && (!(lo < hi) || Double.isInfinite(lo) || Double.isInfinite(hi) || bins == 0)) {
            throw new IllegalArgumentException("fixed bins need finite lo < hi and at least one bin, not [" + lo
                    + ", " + hi + "] with " + bins);
        }
    }

    /** {@code bins} equal bins over {@code [lo, hi]} (on the {@code log10|x|} scale with {@code log10}). */
    public static HistogramSpec fixed(Histogram.Values values, boolean log10, double lo, double hi, int bins) {
        return new HistogramSpec(values, log10, lo, hi, bins);
    }

    /** Bins over the values' own range, as many as the square-root rule gives. */
    public static HistogramSpec auto(Histogram.Values values, boolean log10) {
        return new HistogramSpec(values, log10, Double.NaN, Double.NaN, 0);
    }

    /** {@code bins} bins over the values' own range. */
    public static HistogramSpec auto(Histogram.Values values, boolean log10, int bins) {
        if (bins < 1) {
            throw new IllegalArgumentException("bins must be at least 1, not " + bins);
        }
        return new HistogramSpec(values, log10, Double.NaN, Double.NaN, bins);
    }

    public boolean isAuto() {
        return Double.isNaN(lo);
    }

    /** The bin count for {@code n} binned values. */
    int binsFor(long n) {
        if (bins > 0) {
            return bins;
        }
        return (int) Math.max(1, Math.min(MAX_AUTO_BINS, (long) Math.ceil(Math.sqrt((double) n))));
    }
}
