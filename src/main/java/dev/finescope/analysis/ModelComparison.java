package dev.finescope.analysis;

import java.util.List;

/**
 * How a tuned model differs from its base, tensor by tensor. Tensors present on one side only are listed,
 * not fatal.
 *
 * @param tunedLabel the name the user knows the tuned model by (folder or file name)
 * @param layers     the number of encoder layers of the base
 */
public record ModelComparison(
        String baseLabel,
        String tunedLabel,
        int layers,
        List<TensorComparison> tensors,
        List<String> onlyInBase,
        List<String> onlyInTuned) {

    public ModelComparison {
        tensors = List.copyOf(tensors);
        onlyInBase = List.copyOf(onlyInBase);
        onlyInTuned = List.copyOf(onlyInTuned);
    }
}
