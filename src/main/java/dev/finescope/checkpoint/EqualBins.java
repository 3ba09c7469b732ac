package dev.finescope.checkpoint;

/**
 * {@code bins} equal bins over {@code [lo, hi]}, the last one closed, with the edges and the bin of a value as
 * {@code numpy.histogram} computes them (edges as {@code linspace}, and its corrections where a value's bin by
 * division and the edges disagree), so that counts compare exactly with numpy's. Values outside
 * {@code [lo, hi]} and NaN are the caller's to count apart.
 */
public final class EqualBins {

    private final double lo;
    private final int bins;
    private final double norm;
    private final double[] edges;

    public EqualBins(double lo, double hi, int bins) {
        if (bins < 1) {
            throw new IllegalArgumentException("at least one bin is needed, not " + bins);
        }
        this.lo = lo;
        this.bins = bins;
        this.norm = bins / (hi - lo);
        this.edges = new double[bins + 1];
        for (int k = 0; k <= bins; k++) {
            edges[k] = edge(lo, hi, bins, k);
        }
    }

    /** Edge {@code k} of {@code bins} equal bins over {@code [lo, hi]}: {@code lo} for 0, {@code hi} for {@code bins}. */
    public static double edge(double lo, double hi, int bins, int k) {
        return k == bins ? hi : k * ((hi - lo) / bins) + lo;
    }

    /** The bin of {@code v}, which lies in {@code [lo, hi]}. */
    public int bin(double v) {
        int i = (int) ((v - lo) * norm);
        if (i >= bins) {
            i = bins - 1;
        }
        if (v < edges[i]) {
            i--;
        } else if (i != bins - 1 && v >= edges[i + 1]) {
            i++;
        }
        return i;
    }
}
