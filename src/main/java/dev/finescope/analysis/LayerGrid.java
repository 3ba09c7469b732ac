package dev.finescope.analysis;

import dev.finescope.checkpoint.GridColumn;
import dev.finescope.checkpoint.GridPosition;
import dev.finescope.checkpoint.GridRow;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The comparison arranged on the layer × sublayer grid. A cell's metrics are over its weight matrix, or over
 * weight and bias together on request: the cell is then measured as one vector (its sums merged, not its
 * metrics averaged), and so are rows and the whole grid. A cell holding several weights (a head with two
 * matrices, say) is measured over all of them.
 */
public final class LayerGrid {

    /**
     * One cell: its tensors and their metrics as one vector.
     *
     * @param weights the tensors at the cell's weight position, in the comparison's order
     * @param biases  the tensors at its bias position; part of {@link #sums()} only when the grid includes biases
     */
    public record Cell(GridRow row, GridColumn column, List<TensorComparison> weights,
            List<TensorComparison> biases, boolean includesBias, MetricSums sums, TensorMetrics metrics) {

        public Cell {
            weights = List.copyOf(weights);
            biases = List.copyOf(biases);
        }

        /** The tensors the metrics are over: the weights, then the biases when included. */
        public List<TensorComparison> measured() {
            return includesBias ? Stream.concat(weights.stream(), biases.stream()).toList() : weights;
        }

        /** Names of the measured tensors, for histograms and sparsity of the cell. */
        public List<String> tensorNames() {
            return measured().stream().map(TensorComparison::name).toList();
        }
    }

    private final ModelComparison comparison;
    private final boolean includeBias;
    private final Map<GridRow, Map<GridColumn, Cell>> cells;
    private final List<GridColumn> columns;

    private LayerGrid(ModelComparison comparison, boolean includeBias) {
        this.comparison = comparison;
        this.includeBias = includeBias;
        Map<GridRow, Map<GridColumn, List<TensorComparison>>> weights = new TreeMap<>();
        Map<GridRow, Map<GridColumn, List<TensorComparison>>> biases = new TreeMap<>();
        for (TensorComparison t : comparison.tensors()) {
            GridPosition p = t.position();
            if (p == null) {
                continue;
            }
            Map<GridRow, Map<GridColumn, List<TensorComparison>>> target = p.isWeight() ? weights : biases;
            target.computeIfAbsent(p.row(), r -> new EnumMap<>(GridColumn.class))
                    .computeIfAbsent(p.column(), c -> new ArrayList<>()).add(t);
        }
        Map<GridRow, Map<GridColumn, Cell>> built = new TreeMap<>();
        for (GridRow row : union(weights, biases)) {
            for (GridColumn column : GridColumn.values()) {
                List<TensorComparison> w = weights.getOrDefault(row, Map.of()).getOrDefault(column, List.of());
                List<TensorComparison> b = biases.getOrDefault(row, Map.of()).getOrDefault(column, List.of());
                List<TensorComparison> measured = includeBias ? Stream.concat(w.stream(), b.stream()).toList() : w;
                if (measured.isEmpty()) {
                    continue;
                }
                MetricSums sums = merge(measured.stream().map(TensorComparison::sums).toList());
                built.computeIfAbsent(row, r -> new EnumMap<>(GridColumn.class))
                        .put(column, new Cell(row, column, w, b, includeBias, sums, TensorMetrics.of(sums)));
            }
        }
        this.cells = built;
        this.columns = built.values().stream().flatMap(m -> m.keySet().stream()).distinct().sorted().toList();
    }

    /** The grid of a comparison; cells over their weight matrices, or over weight and bias with {@code includeBias}. */
    public static LayerGrid of(ModelComparison comparison, boolean includeBias) {
        return new LayerGrid(Objects.requireNonNull(comparison, "comparison"), includeBias);
    }

    public ModelComparison comparison() {
        return comparison;
    }

    public boolean includesBias() {
        return includeBias;
    }

    /** Rows top to bottom: embeddings, 0 … L-1, pooler, head (rows with no tensor are left out). */
    public List<GridRow> rows() {
        return List.copyOf(cells.keySet());
    }

    /** The columns that have at least one cell, in grid order. */
    public List<GridColumn> columns() {
        return columns;
    }

    /** The metrics of a cell, empty when the model has no tensor there. */
    public Optional<TensorMetrics> cell(GridRow row, GridColumn column) {
        return cellDetail(row, column).map(Cell::metrics);
    }

    /** A cell with its tensors and sums, empty when the model has no tensor there. */
    public Optional<Cell> cellDetail(GridRow row, GridColumn column) {
        return Optional.ofNullable(cells.getOrDefault(row, Map.of()).get(column));
    }

    /** The cells of a row, in column order. */
    public List<Cell> cells(GridRow row) {
        return List.copyOf(cells.getOrDefault(row, Map.of()).values());
    }

    /** A row measured as one vector (all its cells), empty for a row with no cell. */
    public Optional<TensorMetrics> row(GridRow row) {
        List<Cell> inRow = cells(row);
        if (inRow.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(TensorMetrics.of(merge(inRow.stream().map(Cell::sums).toList())));
    }

    /** Every cell of the grid measured as one vector (the "other" group left out). */
    public TensorMetrics overall() {
        return TensorMetrics.of(merge(cells.values().stream()
                .flatMap(m -> m.values().stream()).map(Cell::sums).toList()));
    }

    /** Names of the tensors a row's metrics are over, for histograms and sparsity of the row. */
    public List<String> rowTensorNames(GridRow row) {
        return cells(row).stream().flatMap(c -> c.tensorNames().stream()).toList();
    }

    /**
     * Weight matrices (two-dimensional weights on the grid) ranked by a metric, furthest moved first: largest
     * first, or smallest first for the cosine. Tensors whose metric is NaN come last; ties keep model order.
     */
    public List<TensorComparison> ranking(Metric metric) {
        Objects.requireNonNull(metric, "metric");
        Comparator<Double> order = metric.largerIsFurther() ? Comparator.reverseOrder() : Comparator.naturalOrder();
        Comparator<TensorComparison> byMetric = Comparator.comparing(
                t -> metric.of(t.metrics()), Comparator.nullsLast(order));
        return comparison.tensors().stream()
                .filter(t -> t.position() != null && t.position().isWeight() && t.shape().length == 2)
                .sorted(Comparator.comparing((TensorComparison t) -> Double.isNaN(metric.of(t.metrics())))
                        .thenComparing(byMetric))
                .toList();
    }

    private static MetricSums merge(List<MetricSums> parts) {
        MetricSums s = MetricSums.EMPTY;
        for (MetricSums p : parts) {
            s = s.plus(p);
        }
        return s;
    }

    private static List<GridRow> union(Map<GridRow, ?> a, Map<GridRow, ?> b) {
        return Stream.concat(a.keySet().stream(), b.keySet().stream()).distinct().sorted().toList();
    }
}
