package dev.finescope.common;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * CSV as every FineScope table writes it (RFC 4180): fields joined by commas, lines ended by {@code \n}, a field
 * quoted only when it holds a comma, a quote or a line break, with its quotes doubled. Numbers are written as
 * {@link String#valueOf} writes them, so that a value read back is the value written. A few lines of code rather
 * than a library, because the output must stay byte for byte what users' scripts already read.
 */
public final class Csv {

    private Csv() {
    }

    /** {@code field} as one CSV field: as it is, or quoted when it must be; null is the empty field. */
    public static String field(Object field) {
        String s = field == null ? "" : String.valueOf(field);
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    /** One CSV line of {@code fields}, without its line end. */
    public static String row(Object... fields) {
        return row(Arrays.asList(fields));
    }

    /** One CSV line of {@code fields}, without its line end. */
    public static String row(List<?> fields) {
        return fields.stream().map(Csv::field).collect(Collectors.joining(","));
    }

    /** Appends {@code fields} as one CSV line, with its line end. */
    public static StringBuilder appendRow(StringBuilder out, Object... fields) {
        return out.append(row(fields)).append('\n');
    }
}
