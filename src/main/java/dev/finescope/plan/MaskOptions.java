package dev.finescope.plan;

import java.util.Locale;

/**
 * How learned masks of sparsified matrices behave ({@code method.md} §4): the mask is where the scores are
 * positive, or exactly the share s of lowest scores is masked so the sparsity holds exactly; and the size
 * {@code c} of the initial scores (+c kept, −c masked, by magnitude at the target sparsity), which sets how far
 * a score must travel before an entry flips.
 *
 * @param mode      thresholding at 0 or exact top-k
 * @param scoreInit c, positive and finite
 */
public record MaskOptions(Mode mode, double scoreInit) {

    /** Threshold at 0 with c = 3. */
    public static final MaskOptions DEFAULT = new MaskOptions(Mode.THRESHOLD, 3.0);

    /** How scores turn into a mask. */
    public enum Mode {
        /** M = 1[S > 0]; the sparsity may drift from its target during training. */
        THRESHOLD,
        /** The share s of lowest scores is masked, so the sparsity is s exactly at every step. */
        TOP_K;

        public String jsonName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Mode fromJsonName(String name) {
            String n = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
            for (Mode m : values()) {
                if (m.name().equals(n)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown mask mode '" + name + "' (one of: threshold, top_k)");
        }
    }

    public MaskOptions {
        if (mode == null) {
            throw new IllegalArgumentException("mask options need a mode");
        }
        if (!(scoreInit > 0) || Double.isInfinite(scoreInit)) {
            throw new IllegalArgumentException("score init " + scoreInit + " must be a positive number");
        }
        if (scoreInit > Float.MAX_VALUE) {
            // scores are trained as 32-bit floats, in which a larger value is infinite
            throw new IllegalArgumentException("score init " + scoreInit + " is too large: at most " + Float.MAX_VALUE);
        }
    }
}
