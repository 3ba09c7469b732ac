package dev.finescope.whatif;

/**
 * One evaluated point of a sweep.
 *
 * @param layer    the encoder layer
 * @param column   a grid column CSV name for a CELL sweep, {@code all} for a ROW sweep, {@code layer} for the
 *                 revert-each-layer sweep
 * @param sparsity the share of zeros; NaN for the revert sweep
 * @param metric   the primary metric after the edit
 * @param delta    {@code metric − baseline}
 * @param change   the examples whose correctness flipped, for the uncertainty of an accuracy's change; null when
 *                 not known (another metric, or a point read from a CSV written before the counts were kept)
 */
public record SweepPoint(int layer, String column, double sparsity, double metric, double delta,
                         PairedChange change) {

    /** A point without per-example counts. */
    public SweepPoint(int layer, String column, double sparsity, double metric, double delta) {
        this(layer, column, sparsity, metric, delta, null);
    }
}
