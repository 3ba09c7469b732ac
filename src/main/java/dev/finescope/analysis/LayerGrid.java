package dev.finescope.analysis;

import dev.finescope.checkpoint.GridColumn;
import dev.finescope.checkpoint.GridRow;
import java.util.List;
import java.util.Optional;

/**
 * The comparison arranged on the layer × sublayer grid. A cell's metrics are over its weight matrix, or over
 * weight and bias together on request.
 */
public final class LayerGrid {

    private LayerGrid() {
    }

    public static LayerGrid of(ModelComparison comparison, boolean includeBias) {
        throw new UnsupportedOperationException("implemented by the analysis change");
    }

    /** Rows top to bottom: embeddings, 0 … L-1, pooler, head (rows with no tensor are left out). */
    public List<GridRow> rows() {
        throw new UnsupportedOperationException();
    }

    /** The metrics of a cell, empty when the model has no tensor there. */
    public Optional<TensorMetrics> cell(GridRow row, GridColumn column) {
        throw new UnsupportedOperationException();
    }

    /** Weight matrices ranked by a metric, furthest moved first. */
    public List<TensorComparison> ranking(Metric metric) {
        throw new UnsupportedOperationException();
    }
}
