package dev.finescope.chart;

import dev.finescope.analysis.LayerGrid;
import dev.finescope.analysis.Metric;
import dev.finescope.analysis.TensorMetrics;
import dev.finescope.checkpoint.GridColumn;
import dev.finescope.checkpoint.GridRow;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * One metric on the layer × sublayer grid, as a chart draws it: labelled rows top to bottom, labelled
 * columns, and per row its cells from the first column on. Charts take this rather than the analysis types
 * so that they can be drawn, tested and reused (small multiples, plans) from any source of grid values.
 *
 * @param metricLabel  the metric in words, also the legend's label
 * @param baseLabel    the pre-trained model, as the user knows it
 * @param tunedLabel   the fine-tuned model, as the user knows it
 * @param cellNote     what a cell measures ("cell = weight matrix"), shown under the title
 * @param columnLabels the column labels, left to right
 * @param rows         the rows, top to bottom
 */
public record GridData(String metricLabel, String baseLabel, String tunedLabel, String cellNote,
        List<String> columnLabels, List<Row> rows) {

    public GridData {
        columnLabels = List.copyOf(columnLabels);
        rows = List.copyOf(rows);
        for (Row r : rows) {
            if (r.cells().size() > columnLabels.size()) {
                throw new IllegalArgumentException("row '" + r.label() + "' has " + r.cells().size()
                        + " cells for " + columnLabels.size() + " columns");
            }
        }
    }

    /**
     * A row: its cells fill the first columns. Encoder layers use every column; the embeddings, pooler and
     * head rows have cells of their own kinds, each carrying its own label.
     */
    public record Row(String label, List<Cell> cells) {
        public Row {
            cells = List.copyOf(cells);
        }
    }

    /**
     * A place on the grid.
     *
     * @param label   the cell's own name when it is not its column's ({@code Word}, {@code Pooler}), else null
     * @param value   the metric; NaN when the metric is undefined for this tensor
     * @param present false when the model has no tensor here: drawn empty, never as a value
     */
    public record Cell(String label, double value, boolean present) {

        public static Cell of(String label, double value) {
            return new Cell(label, value, true);
        }

        public static Cell empty(String label) {
            return new Cell(label, Double.NaN, false);
        }

        /** A tensor of the fine-tuned model only (a new task head): nothing to measure it against. */
        public static Cell added(String label) {
            return new Cell(label + ": new", Double.NaN, false);
        }

        /** True for a cell the model has no tensor for, or only the fine-tuned model has. */
        public boolean isAdded() {
            return !present && label != null && label.endsWith(": new");
        }
    }

    /** The cell at ({@code row}, {@code column}), empty when that row has no cell in that column. */
    public Optional<Cell> cell(int row, int column) {
        List<Cell> cells = rows.get(row).cells();
        return column < cells.size() ? Optional.of(cells.get(column)) : Optional.empty();
    }

    /** The values of all present cells, NaN included. */
    public double[] presentValues() {
        return rows.stream().flatMap(r -> r.cells().stream()).filter(Cell::present)
                .mapToDouble(Cell::value).toArray();
    }

    /**
     * True when every measured cell is exactly 0 (NaN cells aside) and there is at least one: nothing on the grid
     * moved, and no colour scale has anything to span.
     */
    public boolean allZero() {
        double[] v = java.util.Arrays.stream(presentValues()).filter(x -> !Double.isNaN(x)).toArray();
        return v.length > 0 && java.util.Arrays.stream(v).allMatch(x -> x == 0);
    }

    /** True when a cell holds a tensor that only the fine-tuned model has (a new task head). */
    public boolean anyAdded() {
        return rows.stream().flatMap(r -> r.cells().stream()).anyMatch(Cell::isAdded);
    }

    /**
     * The rows a picture of {@code grid} shows, top to bottom: the grid's rows, with the pooler and the task head
     * always there (after the encoder layers), so that a model without them, or with a head the base lacks,
     * says so on the grid instead of leaving it out.
     */
    public static List<GridRow> chartRows(LayerGrid grid) {
        List<GridRow> rows = new ArrayList<>(grid.rows());
        if (!rows.contains(GridRow.POOLER)) {
            int at = rows.contains(GridRow.HEAD) ? rows.indexOf(GridRow.HEAD) : rows.size();
            rows.add(at, GridRow.POOLER);
        }
        if (!rows.contains(GridRow.HEAD)) {
            rows.add(GridRow.HEAD);
        }
        return rows;
    }

    /** The grid rows of the tensors only the fine-tuned model of {@code grid} has. */
    private static java.util.Set<GridRow> addedRows(LayerGrid grid) {
        java.util.Set<GridRow> rows = new java.util.HashSet<>();
        dev.finescope.checkpoint.NameMap names = dev.finescope.checkpoint.NameMap.standard();
        for (String name : grid.comparison().onlyInTuned()) {
            names.locate(name).ifPresent(p -> rows.add(p.row()));
        }
        return rows;
    }

    /** The eight encoder column labels: Q K V AttnOut AttnLN FFN-in FFN-out OutLN. */
    public static List<String> encoderColumnLabels() {
        return Arrays.stream(GridColumn.encoderColumns()).map(GridColumn::csvName).toList();
    }

    /**
     * A metric of an analysed model on the grid: rows as the grid has them (embeddings, layers 0 … L-1, pooler,
     * head), encoder layers across all columns, other rows with one cell per kind of their own.
     */
    public static GridData of(LayerGrid grid, Metric metric, String baseLabel, String tunedLabel,
            boolean includesBias) {
        List<Row> rows = new ArrayList<>();
        java.util.Set<GridRow> added = addedRows(grid);
        for (GridRow row : chartRows(grid)) {
            List<Cell> cells = new ArrayList<>();
            boolean ownLabels = row.kind() != GridRow.Kind.LAYER;
            for (GridColumn column : columnsOf(row)) {
                String label = ownLabels ? column.csvName() : null;
                Optional<TensorMetrics> m = grid.cell(row, column);
                Cell none = added.contains(row) && !grid.rows().contains(row) ? Cell.added(label)
                        : Cell.empty(label);
                cells.add(m.map(t -> Cell.of(label, metric.change(t))).orElse(none));
            }
            rows.add(new Row(row.label(), cells));
        }
        String note = includesBias ? "cell = weight and bias" : "cell = weight matrix";
        return new GridData(metric.changeLabel(), baseLabel, tunedLabel, note, encoderColumnLabels(), rows);
    }

    /** The kinds of cell of a row, in the order they fill the columns. */
    public static List<GridColumn> columnsOf(GridRow row) {
        return switch (row.kind()) {
            case EMBEDDINGS -> List.of(GridColumn.WORD, GridColumn.POSITION, GridColumn.TOKEN_TYPE,
                    GridColumn.EMB_LN);
            case LAYER -> List.of(GridColumn.encoderColumns());
            case POOLER -> List.of(GridColumn.POOLER);
            case HEAD -> List.of(GridColumn.HEAD);
        };
    }
}
