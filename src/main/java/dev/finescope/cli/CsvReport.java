package dev.finescope.cli;

import dev.finescope.analysis.Metric;
import dev.finescope.analysis.ModelComparison;
import dev.finescope.analysis.TensorComparison;
import dev.finescope.checkpoint.GridPosition;
import java.io.IOException;
import java.io.Writer;
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

    static void write(List<ModelComparison> comparisons, Writer out) throws IOException {
        out.write(HEADER);
        out.write('\n');
        for (ModelComparison c : comparisons) {
            for (TensorComparison t : c.tensors()) {
                out.write(row(c.tunedLabel(), t));
                out.write('\n');
            }
        }
    }

    static String row(String tuned, TensorComparison t) {
        GridPosition p = t.position();
        StringBuilder sb = new StringBuilder();
        sb.append(quote(tuned)).append(',').append(quote(t.name())).append(',')
                .append(p == null ? "" : p.row().csvName()).append(',')
                .append(p == null ? "" : quote(p.column().csvName())).append(',')
                .append(t.metrics().numel());
        for (Metric m : Metric.values()) {
            sb.append(',').append(Double.toString(m.of(t.metrics())));
        }
        return sb.toString();
    }

    /** RFC 4180 quoting: fields with a comma, a quote or a line break are quoted, quotes doubled. */
    static String quote(String field) {
        if (field.indexOf(',') < 0 && field.indexOf('"') < 0 && field.indexOf('\n') < 0 && field.indexOf('\r') < 0) {
            return field;
        }
        return '"' + field.replace("\"", "\"\"") + '"';
    }
}
