package dev.finescope.cli;

import dev.finescope.analysis.Metric;
import dev.finescope.analysis.ModelComparison;
import dev.finescope.analysis.TensorComparison;
import dev.finescope.analysis.TensorMetrics;
import dev.finescope.checkpoint.GridPosition;
import dev.finescope.common.Csv;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The CSV of {@code analyze}: one row per tensor per tuned model, every metric in full precision (each number
 * reads back as the same double), so that a notebook or a spreadsheet sees exactly what FineScope computed.
 */
final class CsvReport {

    /** The header, fixed: scripts rely on these names. */
    static final String HEADER = "tuned,tensor,row,column,numel,"
            + Arrays.stream(Metric.values()).map(Metric::id).collect(Collectors.joining(","));

    private CsvReport() {
    }

    /** One line of the CSV: a tensor of a tuned model, where it sits on the grid (null: outside), its metrics. */
    record Row(String tuned, String tensor, GridPosition position, TensorMetrics metrics) {
    }

    /** The rows of some comparisons: every tensor present in both models, per tuned model in order. */
    static List<Row> rows(List<ModelComparison> comparisons) {
        List<Row> rows = new ArrayList<>();
        for (ModelComparison c : comparisons) {
            for (TensorComparison t : c.tensors()) {
                rows.add(new Row(c.tunedLabel(), t.name(), t.position(), t.metrics()));
            }
        }
        return rows;
    }

    static void write(List<Row> rows, Writer out) throws IOException {
        out.write(HEADER);
        out.write('\n');
        for (Row r : rows) {
            out.write(line(r));
            out.write('\n');
        }
    }

    static String line(Row r) {
        GridPosition p = r.position();
        StringBuilder sb = new StringBuilder();
        sb.append(Csv.field(r.tuned())).append(',').append(Csv.field(r.tensor())).append(',')
                .append(p == null ? "" : p.row().csvName()).append(',')
                .append(p == null ? "" : Csv.field(p.column().csvName())).append(',')
                .append(r.metrics().numel());
        for (Metric m : Metric.values()) {
            sb.append(',').append(Double.toString(m.of(r.metrics())));
        }
        return sb.toString();
    }
}
