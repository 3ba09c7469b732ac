package dev.finescope.whatif;

import java.util.List;

/**
 * One change to the model under test; a what-if evaluation applies a list of edits in order and undoes them
 * afterwards. Each edit says the lowest layer it touches, so that the session can start the forward pass from
 * the cached hidden states at that layer's input.
 */
public sealed interface Edit {

    /**
     * Zero the share {@code sparsity} (0..1) of each matrix's entries: smallest |w| first (ties: lower flat index
     * first), or a seeded random set. Exactly {@code round(sparsity · n)} entries of an n-entry matrix are zeroed.
     */
    record Prune(List<MatrixRef> matrices, double sparsity, PruneMethod method, long seed) implements Edit {
        public Prune {
            matrices = List.copyOf(matrices);
            if (!(sparsity >= 0 && sparsity <= 1)) {
                throw new IllegalArgumentException("a sparsity must lie in 0 … 1, not " + sparsity);
            }
            java.util.Objects.requireNonNull(method, "method");
        }

        @Override
        public int firstLayer() {
            return Edit.lowest(matrices.stream().mapToInt(MatrixRef::layer).toArray());
        }
    }

    /** Set matrices (weight and bias) back to the base's values. */
    record Revert(List<MatrixRef> matrices) implements Edit {
        public Revert {
            matrices = List.copyOf(matrices);
        }

        @Override
        public int firstLayer() {
            return Edit.lowest(matrices.stream().mapToInt(MatrixRef::layer).toArray());
        }
    }

    /** Set whole layers (all tensors of layer L, LayerNorms included) back to the base's values. */
    record RevertLayers(List<Integer> layers) implements Edit {
        public RevertLayers {
            layers = List.copyOf(layers);
            for (int l : layers) {
                if (l < 0) {
                    throw new IllegalArgumentException("a layer index cannot be negative: " + l);
                }
            }
        }

        @Override
        public int firstLayer() {
            return Edit.lowest(layers.stream().mapToInt(Integer::intValue).toArray());
        }
    }

    /** The lowest layer the edit touches (what the cache may skip); {@link Integer#MAX_VALUE} when it touches none. */
    int firstLayer();

    private static int lowest(int[] layers) {
        int min = Integer.MAX_VALUE;
        for (int l : layers) {
            min = Math.min(min, l);
        }
        return min;
    }
}
