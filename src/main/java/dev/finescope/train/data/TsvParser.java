package dev.finescope.train.data;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * GLUE's TSV: one record per line, cells split at every tab, no quoting: a quote character is text. Empty
 * lines hold no record and are passed over.
 */
final class TsvParser {

    private final LineReader lines;

    TsvParser(LineReader lines) {
        this.lines = lines;
    }

    /** The next record, or {@code null} at the end of the file. */
    TableRecord next() throws IOException {
        LineReader.Line line;
        do {
            line = lines.next();
            if (line == null) {
                return null;
            }
        } while (line.text().isEmpty());
        List<String> cells = split(line.text());
        return new TableRecord(line.number(), cells, line.malformed() ? "not valid UTF-8" : null);
    }

    static List<String> split(String text) {
        List<String> cells = new ArrayList<>();
        int start = 0;
        while (true) {
            int tab = text.indexOf('\t', start);
            if (tab < 0) {
                cells.add(text.substring(start));
                return cells;
            }
            cells.add(text.substring(start, tab));
            start = tab + 1;
        }
    }
}
