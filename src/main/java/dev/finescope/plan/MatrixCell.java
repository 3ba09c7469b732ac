package dev.finescope.plan;

import dev.finescope.checkpoint.GridColumn;
import dev.finescope.checkpoint.GridRow;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A cell of the layer × sublayer grid that holds a weight matrix, the unit a plan decides about. LayerNorms and
 * biases are not cells of a plan (they follow its {@link BiasRule}) and the task head always trains, so a cell
 * that is not a weight matrix cannot be made.
 */
public record MatrixCell(GridRow row, GridColumn column) implements Comparable<MatrixCell> {

    private static final List<GridColumn> LAYER_MATRICES = List.of(
            GridColumn.Q, GridColumn.K, GridColumn.V, GridColumn.ATTN_OUT, GridColumn.FFN_IN, GridColumn.FFN_OUT);
    private static final List<GridColumn> EMBEDDING_MATRICES =
            List.of(GridColumn.WORD, GridColumn.POSITION, GridColumn.TOKEN_TYPE);
    private static final List<GridColumn> POOLER_MATRICES = List.of(GridColumn.POOLER);

    private static final Comparator<MatrixCell> ORDER =
            Comparator.comparing(MatrixCell::row).thenComparing(MatrixCell::column);

    public MatrixCell {
        if (row == null || column == null) {
            throw new IllegalArgumentException("a cell needs a row and a column");
        }
        if (row.kind() == GridRow.Kind.HEAD) {
            throw new IllegalArgumentException("the task head always trains and takes no action");
        }
        if (!matrixColumns(row.kind()).contains(column)) {
            throw new IllegalArgumentException(notAMatrix(column.csvName(), row));
        }
    }

    /** Encoder layer {@code layer}, column {@code column}. */
    public static MatrixCell layer(int layer, GridColumn column) {
        return new MatrixCell(GridRow.layer(layer), column);
    }

    /**
     * The cell named by a row's and a column's CSV spelling ({@code "3", "V"}; {@code "embeddings", "Word"};
     * {@code "pooler", "Pooler"}), with a message a person understands when the names are wrong.
     */
    public static MatrixCell parse(String row, String column) {
        GridRow r;
        try {
            r = GridRow.fromCsvName(row.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "row '" + row + "' is not a layer number, 'embeddings' or 'pooler'");
        }
        GridColumn c;
        try {
            c = GridColumn.fromCsvName(column.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(notAMatrix(column, r));
        }
        return new MatrixCell(r, c);
    }

    /** True when {@code column} holds a weight matrix in a row of that kind. */
    public static boolean isMatrix(GridRow row, GridColumn column) {
        return row != null && column != null && matrixColumns(row.kind()).contains(column);
    }

    /** The weight-matrix columns of a row kind, in grid order (none for the head). */
    public static List<GridColumn> matrixColumns(GridRow.Kind kind) {
        return switch (kind) {
            case LAYER -> LAYER_MATRICES;
            case EMBEDDINGS -> EMBEDDING_MATRICES;
            case POOLER -> POOLER_MATRICES;
            case HEAD -> List.of();
        };
    }

    /** True for the six matrices of an encoder layer, whose zeros can save compute for every token. */
    public boolean isEncoder() {
        return row.kind() == GridRow.Kind.LAYER;
    }

    /** For messages: "layer 3 V", "embeddings Word", "pooler Pooler". */
    public String describe() {
        return row.label() + " " + column.csvName();
    }

    @Override
    public int compareTo(MatrixCell o) {
        return ORDER.compare(this, o);
    }

    private static String notAMatrix(String column, GridRow row) {
        if (row.kind() == GridRow.Kind.HEAD) {
            return "the task head always trains and takes no action";
        }
        String allowed = matrixColumns(row.kind()).stream().map(GridColumn::csvName)
                .collect(Collectors.joining(", "));
        return "column " + column + " is not a weight matrix of " + row.label() + " (its matrices: " + allowed + ")";
    }
}
