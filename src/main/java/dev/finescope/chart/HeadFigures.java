package dev.finescope.chart;

import dev.finescope.analysis.HeadComparison;
import dev.finescope.analysis.Metric;
import dev.finescope.analysis.TensorMetrics;
import dev.finescope.checkpoint.GridColumn;
import java.util.ArrayList;
import java.util.List;

/**
 * A head comparison ({@link HeadComparison}) as one layer × head grid: one row per encoder layer, and for each
 * of Q, K, V and attention-out one column per head ({@code Q·0 … Q·11, K·0 …}), so a single heatmap shows which
 * heads of which matrices moved.
 */
public final class HeadFigures {

    /** What the grid's columns are, for the column axis. */
    public static final String COLUMN_AXIS = "attention head (matrix · head index)";

    private HeadFigures() {
    }

    /** {@code metric} of every head, columns grouped by matrix kind. */
    public static GridData grid(HeadComparison c, Metric metric) {
        List<String> columns = new ArrayList<>();
        for (GridColumn kind : HeadComparison.KINDS) {
            if (c.metrics().containsKey(kind)) {
                for (int h = 0; h < c.heads(); h++) {
                    columns.add(columnLabel(kind, h));
                }
            }
        }
        List<GridData.Row> rows = new ArrayList<>();
        for (int layer = 0; layer < c.layers(); layer++) {
            List<GridData.Cell> cells = new ArrayList<>();
            for (GridColumn kind : HeadComparison.KINDS) {
                if (!c.metrics().containsKey(kind)) {
                    continue;
                }
                for (int h = 0; h < c.heads(); h++) {
                    TensorMetrics m = c.of(kind, layer, h);
                    cells.add(m == null ? GridData.Cell.empty(null) : GridData.Cell.of(null, metric.of(m)));
                }
            }
            rows.add(new GridData.Row("layer " + layer, cells));
        }
        return new GridData(metric.label(), c.baseLabel(), c.tunedLabel(),
                "cell = one head: rows of Q, K, V, columns of attention-out", columns, rows);
    }

    /** {@code Q·3}: the matrix kind and the head's index. */
    public static String columnLabel(GridColumn kind, int head) {
        return kind.csvName() + "·" + head;
    }
}
