package dev.finescope.analysis;

import java.util.List;
import java.util.Optional;

/**
 * How a tuned model differs from its base, tensor by tensor. Tensors present on one side only are listed,
 * not fatal.
 *
 * @param tunedLabel  the name the user knows the tuned model by (folder or file name)
 * @param layers      the number of encoder layers of the base
 * @param tensors     the tensors present in both, in the base's order
 * @param onlyInBase  names present in the base only, in the base's order
 * @param onlyInTuned names present in the tuned model only, in its order
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

    /** The comparison of the named tensor, empty when it is not present in both models. */
    public Optional<TensorComparison> tensor(String name) {
        return tensors.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /** The tensors outside the grid (the "other" group), in the base's order. */
    public List<TensorComparison> other() {
        return tensors.stream().filter(t -> t.position() == null).toList();
    }

    /** True when both models hold the same set of tensor names. */
    public boolean sameTensorSets() {
        return onlyInBase.isEmpty() && onlyInTuned.isEmpty();
    }
}
