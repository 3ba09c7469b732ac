package dev.finescope.ui.common;

import dev.finescope.chart.ChartExport;
import dev.finescope.common.AtomicFiles;
import dev.finescope.common.Csv;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A table as the app exports it: a header and rows of text, written as RFC 4180 CSV (fields with commas, quotes
 * or line breaks quoted), atomically. Numbers are written in full precision by the code that fills the table.
 */
public final class CsvTable {

    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    public CsvTable(List<String> header) {
        this.header = List.copyOf(header);
    }

    public List<String> header() {
        return header;
    }

    public List<List<String>> rows() {
        return List.copyOf(rows);
    }

    /** Adds a row; it must have one field per column. */
    public CsvTable add(String... fields) {
        if (fields.length != header.size()) {
            throw new IllegalArgumentException("a row of " + fields.length + " fields for " + header.size()
                    + " columns");
        }
        rows.add(List.of(fields));
        return this;
    }

    /** The whole table as CSV text, lines ending in CRLF as RFC 4180 asks. */
    public String text() {
        StringBuilder b = new StringBuilder();
        line(b, header);
        for (List<String> r : rows) {
            line(b, r);
        }
        return b.toString();
    }

    public void write(Path file) throws IOException {
        byte[] bytes = text().getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(file, out -> out.write(bytes));
    }

    private static void line(StringBuilder b, List<String> fields) {
        b.append(Csv.row(fields)).append("\r\n");
    }
}
