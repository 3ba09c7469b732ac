package dev.finescope.whatif;

import java.nio.file.Path;
import java.util.List;

/**
 * Pairwise comparison of the learned masks of several overlays: are runs at different sparsities or seeds the
 * same solution, or different good ones ({@code method.md} §5)? Read from the overlays' bit-packed masks, so it
 * needs neither DJL nor the base weights.
 *
 * @param labels     the runs, as the user named them
 * @param accuracies each run's accuracy from its overlay's metadata; null entries when unknown
 * @param hamming    share of differing mask bits over all masked matrices the two runs share
 * @param jaccard    {@code |Z_a ∩ Z_b| / |Z_a ∪ Z_b|} of the zero sets over the same matrices
 * @param cells      per shared matrix and pair {@code a < b}
 */
public record MaskComparison(List<String> labels, List<Double> accuracies, double[][] hamming,
                             double[][] jaccard, List<CellComparison> cells) {

    /** One matrix, one pair of runs (indices into {@code labels}, {@code a < b}). */
    public record CellComparison(int layer, String column, int a, int b, double hamming, double jaccard) {
    }

    /**
     * Compares the masks of the overlays.
     *
     * @param labels null or empty: the overlays' file or folder names
     * @throws dev.finescope.checkpoint.CheckpointException naming an overlay that cannot be read or has no masks
     */
    public static MaskComparison compare(List<Path> overlays, List<String> labels) {
        throw new UnsupportedOperationException("not yet");
    }

    /** Writes the pairwise table and the per-cell rows as CSV, atomically. */
    public void writeCsv(Path file) {
        throw new UnsupportedOperationException("not yet");
    }
}
