package dev.finescope.analysis;

import dev.finescope.checkpoint.DType;
import dev.finescope.checkpoint.GridPosition;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * One tensor present in both models, with its grid position ({@code null} for tensors outside the grid,
 * the "other" group) and its closeness metrics. It keeps the sums the metrics came from, so that cells, rows and
 * the whole model can be measured as one vector without reading the tensors again.
 *
 * @param baseType  the element type in the base; integer buffers such as {@code position_ids} are compared as
 *                  float values
 * @param tunedType the element type in the tuned model, which may differ (an F16 or BF16 export of an F32 base)
 */
public record TensorComparison(
        String name,
        GridPosition position,
        long[] shape,
        TensorMetrics metrics,
        MetricSums sums,
        DType baseType,
        DType tunedType) {

    public TensorComparison {
        Objects.requireNonNull(name, "name");
        shape = shape.clone();
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(sums, "sums");
    }

    /** The shape; a fresh copy. */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    public Optional<GridPosition> gridPosition() {
        return Optional.ofNullable(position);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorComparison t && name.equals(t.name) && Objects.equals(position, t.position)
                && Arrays.equals(shape, t.shape) && metrics.equals(t.metrics) && sums.equals(t.sums)
                && baseType == t.baseType && tunedType == t.tunedType;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, position, Arrays.hashCode(shape), metrics, sums, baseType, tunedType);
    }

    @Override
    public String toString() {
        return "TensorComparison[" + name + " " + Arrays.toString(shape) + " " + position + " " + metrics + "]";
    }
}
