package dev.finescope.train;

/**
 * The training setup of one weight matrix. For {@link LinearMode#MASKED}, {@code sparsity} is the share of
 * entries the mask starts by zeroing (the smallest magnitudes), {@code scoreInit} the magnitude {@code c} of
 * the initial scores (±c), and {@code exactTopK} whether the forward pass keeps the sparsity at exactly that
 * share (by score rank) instead of thresholding the scores at zero.
 */
public record MatrixSetup(LinearMode mode, double sparsity, boolean exactTopK, float scoreInit) {

    /** The score magnitude of method.md: a few units, so that Adam's first steps flip few entries. */
    public static final float DEFAULT_SCORE_INIT = 3f;

    private static final MatrixSetup FROZEN = new MatrixSetup(LinearMode.FROZEN, 0, false, 0);
    private static final MatrixSetup TRAINABLE = new MatrixSetup(LinearMode.TRAINABLE, 0, false, 0);

    public MatrixSetup {
        if (mode == null) {
            throw new IllegalArgumentException("a matrix setup needs a mode");
        }
        if (!(sparsity >= 0 && sparsity <= 1)) {
            throw new IllegalArgumentException("sparsity must lie in [0, 1], not " + sparsity);
        }
        if (mode == LinearMode.MASKED && !(scoreInit > 0 && Float.isFinite(scoreInit))) {
            throw new IllegalArgumentException("the initial score magnitude must be positive, not " + scoreInit);
        }
    }

    public static MatrixSetup frozen() {
        return FROZEN;
    }

    public static MatrixSetup trainable() {
        return TRAINABLE;
    }

    /** A learned mask thresholded at zero, starting from magnitude pruning at {@code sparsity}. */
    public static MatrixSetup masked(double sparsity) {
        return new MatrixSetup(LinearMode.MASKED, sparsity, false, DEFAULT_SCORE_INIT);
    }

    /** A learned mask that always zeroes the {@code sparsity} share of lowest scores. */
    public static MatrixSetup maskedTopK(double sparsity) {
        return new MatrixSetup(LinearMode.MASKED, sparsity, true, DEFAULT_SCORE_INIT);
    }
}
