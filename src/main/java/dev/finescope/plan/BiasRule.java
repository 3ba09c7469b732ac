package dev.finescope.plan;

import java.util.Locale;

/**
 * What happens to the biases and LayerNorms, which a plan does not address cell by cell. Stated once per plan
 * and written into its JSON, so a run and its cost say the same thing about these small tensors. Whatever the
 * rule, the task head always trains and a sparsified matrix's bias trains only when the rule says every bias
 * trains: a learned mask by itself changes nothing but zeros ({@code method.md} §4).
 */
public enum BiasRule {
    /**
     * A matrix's bias trains exactly when its matrix is {@link Action.Kind#FINE_TUNE}; a row's LayerNorms (gain
     * and bias: AttnLN and OutLN of a layer, EmbLN of the embeddings) train exactly when at least one weight
     * matrix of the same row is FINE_TUNE. Frozen and sparsified matrices keep their biases as they are.
     */
    FOLLOW_MATRIX,
    /** Every bias and every LayerNorm (gain and bias) trains, whatever its matrix's action. */
    ALL_TRAIN,
    /**
     * Every bias vector trains, LayerNorm biases included; LayerNorm gains stay frozen. This is BitFit's choice
     * (Ben Zaken et al. 2021: only the additive terms change).
     */
    ALL_BIASES,
    /** No bias and no LayerNorm trains, not even those of fine-tuned matrices. */
    ALL_FROZEN;

    /** The JSON spelling: {@code follow_matrix}, {@code all_train}, {@code all_biases}, {@code all_frozen}. */
    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static BiasRule fromJsonName(String name) {
        String n = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (BiasRule r : values()) {
            if (r.name().equals(n)) {
                return r;
            }
        }
        throw new IllegalArgumentException(
                "unknown bias rule '" + name + "' (one of: follow_matrix, all_train, all_biases, all_frozen)");
    }

    /** One sentence for the app. */
    public String description() {
        return switch (this) {
            case FOLLOW_MATRIX -> "A bias trains with its fine-tuned matrix; a row's LayerNorms train when any "
                    + "matrix of that row is fine-tuned.";
            case ALL_TRAIN -> "Every bias and every LayerNorm trains.";
            case ALL_BIASES -> "Every bias trains, LayerNorm biases included; LayerNorm gains stay frozen "
                    + "(BitFit).";
            case ALL_FROZEN -> "No bias and no LayerNorm trains.";
        };
    }
}
