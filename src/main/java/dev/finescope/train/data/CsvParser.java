package dev.finescope.train.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 records: cells separated by a delimiter (a comma by default), a cell that starts with {@code "} is
 * quoted and may hold delimiters, line breaks (kept as they are in the file) and {@code ""} for a quote. Lines
 * may end in CRLF or LF. Two departures, both unambiguous: a quote inside an unquoted cell is kept as text (as
 * Python's csv module and pandas do), and an empty line between records holds no record. Text after a closing
 * quote, an unclosed quote and invalid UTF-8 make the record a problem; parsing goes on at the next line.
 *
 * <p>Written here because no CSV library is among the build's dependencies; it is small and fuzzed.
 */
final class CsvParser {

    /** A quoted cell this long means a closing quote is missing; the rest of the file would be swallowed. */
    static final int MAX_RECORD_CHARS = 16 << 20;

    private final LineReader lines;
    private final Path file;
    private final char delimiter;

    CsvParser(LineReader lines, Path file, char delimiter) {
        if (delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
            throw new IllegalArgumentException("a CSV delimiter cannot be a quote or a line break");
        }
        this.lines = lines;
        this.file = file;
        this.delimiter = delimiter;
    }

    /** The next record, or {@code null} at the end of the file. */
    TableRecord next() throws IOException {
        LineReader.Line current;
        do {
            current = lines.next();
            if (current == null) {
                return null;
            }
        } while (current.text().isEmpty());
        long start = current.number();
        boolean malformed = current.malformed();
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        String text = current.text();
        int i = 0;
        while (true) {
            if (i < text.length() && text.charAt(i) == '"') {
                i++;
                while (true) {
                    if (i >= text.length()) {
                        LineReader.Line following = lines.next();
                        if (following == null) {
                            return new TableRecord(start, cells, "the quoted cell " + (cells.size() + 1)
                                    + " is not closed before the end of the file");
                        }
                        cell.append(current.terminator());
                        if (cell.length() > MAX_RECORD_CHARS) {
                            throw new DataException(file, "line " + start + ": a quoted cell runs on past "
                                    + (MAX_RECORD_CHARS >> 20) + " Mi characters; is a closing quote missing?");
                        }
                        current = following;
                        malformed |= current.malformed();
                        text = current.text();
                        i = 0;
                        continue;
                    }
                    int quote = text.indexOf('"', i);
                    if (quote < 0) {
                        cell.append(text, i, text.length());
                        i = text.length();
                    } else if (quote + 1 < text.length() && text.charAt(quote + 1) == '"') {
                        cell.append(text, i, quote + 1);
                        i = quote + 2;
                    } else {
                        cell.append(text, i, quote);
                        i = quote + 1;
                        break;
                    }
                }
                if (i < text.length() && text.charAt(i) != delimiter) {
                    return new TableRecord(start, cells, "text after the closing quote of cell " + (cells.size() + 1)
                            + (current.number() == start ? "" : " (on line " + current.number() + ")"));
                }
            } else {
                int end = text.indexOf(delimiter, i);
                if (end < 0) {
                    end = text.length();
                }
                cell.append(text, i, end);
                i = end;
            }
            cells.add(cell.toString());
            cell.setLength(0);
            if (i >= text.length()) {
                break;
            }
            i++;
        }
        return new TableRecord(start, cells, malformed ? "not valid UTF-8" : null);
    }
}
