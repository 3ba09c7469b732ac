package dev.finescope.analysis;

import dev.finescope.checkpoint.GridPosition;
import java.util.Optional;

/**
 * One tensor present in both models, with its grid position ({@code null} for tensors outside the grid,
 * the "other" group) and its closeness metrics.
 */
public record TensorComparison(String name, GridPosition position, long[] shape, TensorMetrics metrics) {

    public Optional<GridPosition> gridPosition() {
        return Optional.ofNullable(position);
    }
}
