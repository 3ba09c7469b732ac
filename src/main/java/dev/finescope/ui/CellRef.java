package dev.finescope.ui;

import dev.finescope.analysis.LayerGrid;
import dev.finescope.chart.GridData;
import dev.finescope.checkpoint.GridColumn;
import dev.finescope.checkpoint.GridRow;
import java.util.List;
import java.util.Optional;

/**
 * Where a picture of the grid puts its cells: row {@code i} of a chart is {@code rows.get(i)}, and column
 * {@code j} of that row holds the {@code j}-th kind of cell of the row ({@link GridData#columnsOf}). Pointer
 * positions on a chart become grid cells through this, and nowhere else.
 */
public final class CellRef {

    private CellRef() {
    }

    /** The grid cell drawn at chart row {@code rowIndex}, column {@code columnIndex}, if that slot is a cell. */
    public static Optional<GridColumn> column(GridRow row, int columnIndex) {
        List<GridColumn> kinds = GridData.columnsOf(row);
        return columnIndex >= 0 && columnIndex < kinds.size() ? Optional.of(kinds.get(columnIndex))
                : Optional.empty();
    }

    /** The chart column at which {@code column} is drawn in {@code row}, or -1. */
    public static int columnIndex(GridRow row, GridColumn column) {
        return GridData.columnsOf(row).indexOf(column);
    }

    /** The cell of {@code grid} drawn at the slot, if the model has a tensor there. */
    public static Optional<LayerGrid.Cell> cell(LayerGrid grid, int rowIndex, int columnIndex) {
        List<GridRow> rows = GridData.chartRows(grid);
        if (rowIndex < 0 || rowIndex >= rows.size()) {
            return Optional.empty();
        }
        GridRow row = rows.get(rowIndex);
        return column(row, columnIndex).flatMap(c -> grid.cellDetail(row, c));
    }

    /** "layer 3 · attention · value": a cell in words. */
    public static String describe(GridRow row, GridColumn column) {
        return row.label() + " · " + column.label();
    }
}
