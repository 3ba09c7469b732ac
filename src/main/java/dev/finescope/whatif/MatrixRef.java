package dev.finescope.whatif;

import dev.finescope.checkpoint.GridColumn;
import java.util.List;
import java.util.Objects;

/**
 * A weight matrix of an encoder layer: layer index and one of the six matrix columns (Q K V AttnOut FFN-in
 * FFN-out). Edits and sweeps name matrices this way rather than by tensor name, so that a selection reads the
 * same for every BERT-family checkpoint and lines up with the layer × sublayer grid the user sees.
 */
public record MatrixRef(int layer, GridColumn column) {

    private static final List<GridColumn> MATRIX_COLUMNS = List.of(GridColumn.Q, GridColumn.K, GridColumn.V,
            GridColumn.ATTN_OUT, GridColumn.FFN_IN, GridColumn.FFN_OUT);

    public MatrixRef {
        Objects.requireNonNull(column, "column");
        if (layer < 0) {
            throw new IllegalArgumentException("a layer index cannot be negative: " + layer);
        }
        if (!MATRIX_COLUMNS.contains(column)) {
            throw new IllegalArgumentException(column.csvName() + " is not a weight matrix of an encoder layer "
                    + "(Q, K, V, AttnOut, FFN-in, FFN-out)");
        }
    }

    /** The canonical tensor name of the weight, {@code encoder.layer.3.attention.self.value.weight}. */
    public String weightName() {
        return unitName() + ".weight";
    }

    /** The canonical tensor name of the bias, {@code encoder.layer.3.attention.self.value.bias}. */
    public String biasName() {
        return unitName() + ".bias";
    }

    /** The canonical name of the dense layer, without {@code .weight}. */
    String unitName() {
        return "encoder.layer." + layer + "." + column.technicalName();
    }

    /** The six matrix columns of an encoder layer, in grid order: Q, K, V, AttnOut, FFN-in, FFN-out. */
    public static List<GridColumn> matrixColumns() {
        return MATRIX_COLUMNS;
    }

    @Override
    public String toString() {
        return layer + ":" + column.csvName();
    }
}
