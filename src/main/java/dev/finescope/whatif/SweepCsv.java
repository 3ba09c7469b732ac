package dev.finescope.whatif;

import dev.finescope.chart.ChartExport;
import dev.finescope.common.AtomicFiles;
import dev.finescope.common.Csv;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A sweep's points as CSV: a few {@code # key: value} lines that say what the points belong to (the session's
 * model and data, the sweep, the baseline), then {@code layer,column,sparsity,metric,delta,gained,lost,examples}
 * (the last three: the examples whose correctness flipped, empty when not known; files written before they were
 * kept have the first five columns only and still read). Numbers are written
 * as Java writes doubles, so that points read back are the very values computed and a resumed sweep ends equal to
 * an uninterrupted one.
 */
final class SweepCsv {

    static final String TITLE = "# FineScope what-if sweep";
    static final String HEADER = "layer,column,sparsity,metric,delta,gained,lost,examples";
    /** The column line of files written before the flips were kept. */
    static final String HEADER_WITHOUT_FLIPS = "layer,column,sparsity,metric,delta";
    static final String MODEL = "model";
    static final String SESSION = "session";
    static final String SWEEP = "sweep";
    static final String METRIC = "metric";
    static final String BASELINE = "baseline";

    /** What a CSV held: its {@code # key: value} lines and its points. */
    record Contents(Map<String, String> header, List<SweepPoint> points) {
    }

    private SweepCsv() {
    }

    /** Grid order: layer, then the column as the spec lists it (revert's "layer" and "all" first), then sparsity. */
    static Comparator<SweepPoint> gridOrder(SweepSpec spec) {
        List<String> columns = spec.columns().stream().map(c -> c.csvName()).toList();
        return Comparator.comparingInt(SweepPoint::layer)
                .thenComparingInt(p -> columns.indexOf(p.column()))
                .thenComparing(SweepPoint::sparsity, Double::compare);
    }

    static Map<String, String> header(String model, String session, SweepSpec spec, String metric, double baseline) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put(MODEL, model);
        if (session != null) {
            h.put(SESSION, session);
        }
        h.put(SWEEP, spec.describe());
        h.put(METRIC, metric);
        h.put(BASELINE, Double.toString(baseline));
        return h;
    }

    static String headerText(Map<String, String> header) {
        StringBuilder sb = new StringBuilder(TITLE).append('\n');
        header.forEach((k, v) -> sb.append("# ").append(k).append(": ").append(v.replaceAll("\\R", " "))
                .append('\n'));
        return sb.append(HEADER).append('\n').toString();
    }

    static String row(SweepPoint p) {
        PairedChange c = p.change();
        return Csv.row(p.layer(), p.column(), p.sparsity(), p.metric(), p.delta(), c == null ? null : c.gained(),
                c == null ? null : c.lost(), c == null ? null : c.examples()) + "\n";
    }

    /** Writes the header and the points in grid order, atomically. */
    static void write(Path file, Map<String, String> header, SweepSpec spec, List<SweepPoint> points) {
        List<SweepPoint> sorted = new ArrayList<>(points);
        sorted.sort(gridOrder(spec));
        StringBuilder sb = new StringBuilder(headerText(header));
        sorted.forEach(p -> sb.append(row(p)));
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            AtomicFiles.write(file, out -> out.write(sb.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write: " + e.getMessage(), e);
        }
    }

    /** Opens the file for appending points one by one; the caller flushes after each. */
    static BufferedWriter appender(Path file) {
        try {
            return Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot append: " + e.getMessage(), e);
        }
    }

    /**
     * Reads a sweep CSV. A last row cut short (the sweep was killed while writing it) is dropped; any other row
     * that cannot be read is an error naming the file and the line.
     */
    static Contents read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalArgumentException(file + ": is not a FineScope sweep CSV (it is not UTF-8 text); choose "
                    + "another file to resume from or write to", e);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read: " + e.getMessage(), e);
        }
        if (lines.isEmpty() || !lines.get(0).equals(TITLE)) {
            throw new IllegalArgumentException(file + ": is not a FineScope sweep CSV (its first line is not '"
                    + TITLE + "'); choose another file to resume from or write to");
        }
        Map<String, String> header = new LinkedHashMap<>();
        int i = 1;
        for (; i < lines.size() && lines.get(i).startsWith("#"); i++) {
            String line = lines.get(i).substring(1).strip();
            int colon = line.indexOf(':');
            if (colon > 0) {
                header.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
            }
        }
        if (i >= lines.size() || !(lines.get(i).equals(HEADER) || lines.get(i).equals(HEADER_WITHOUT_FLIPS))) {
            throw new IllegalArgumentException(file + ": has no column line '" + HEADER + "' after its header");
        }
        List<SweepPoint> points = new ArrayList<>();
        for (i++; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            try {
                points.add(parse(line));
            } catch (IllegalArgumentException e) {
                if (i == lines.size() - 1) {
                    break;
                }
                throw new IllegalArgumentException(file + ": line " + (i + 1) + " is not a sweep point ("
                        + e.getMessage() + ")", e);
            }
        }
        return new Contents(header, points);
    }

    private static SweepPoint parse(String line) {
        String[] cells = line.split(",", -1);
        if (cells.length != 5 && cells.length != 8) {
            throw new IllegalArgumentException(cells.length + " cells instead of 8");
        }
        PairedChange change = null;
        if (cells.length == 8 && !cells[5].isEmpty()) {
            change = new PairedChange(Integer.parseInt(cells[5]), Integer.parseInt(cells[6]),
                    Integer.parseInt(cells[7]));
        }
        return new SweepPoint(Integer.parseInt(cells[0]), cells[1], Double.parseDouble(cells[2]),
                Double.parseDouble(cells[3]), Double.parseDouble(cells[4]), change);
    }
}
