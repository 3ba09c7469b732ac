package dev.finescope.sweep;

import dev.finescope.common.AtomicFiles;
import dev.finescope.common.Csv;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * A sweep's answer: one row per grid point (task, plan, sparsity, swept hyper-parameters) with the dev metric over
 * its seeds as mean, sample standard deviation (n − 1), minimum, maximum and the number of finished runs, in grid
 * order. Written as {@code report.csv} for scripts and {@code report.md} for people.
 *
 * @param name               the sweep's name; may be empty
 * @param metric             the dev metric, or empty when no run has reported one yet
 * @param value              which value of each run
 * @param hyperParameterAxes the swept hyper-parameters, columns of the tables
 * @param rows               the grid points in grid order
 */
public record SweepReport(String name, String metric, Value value, List<String> hyperParameterAxes, List<Row> rows) {

    public static final String CSV_FILE = "report.csv";
    public static final String MARKDOWN_FILE = "report.md";

    /** Which of a run's values of the metric counts. */
    public enum Value {
        /** The closing evaluation's, of a finished run. */
        FINAL,
        /** The best of its dev evaluations, of a finished run. */
        BEST
    }

    public SweepReport {
        name = name == null ? "" : name;
        metric = metric == null ? "" : metric;
        hyperParameterAxes = List.copyOf(hyperParameterAxes);
        rows = List.copyOf(rows);
    }

    /**
     * Mean, standard deviation, minimum and maximum of {@code n} values; NaN where undefined (everything for no
     * values, the standard deviation for one).
     */
    public record Stats(int n, double mean, double std, double min, double max) {

        public static Stats of(double[] values) {
            int n = values.length;
            if (n == 0) {
                return new Stats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
            }
            double sum = 0;
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (double v : values) {
                sum += v;
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            double mean = sum / n;
            double std = Double.NaN;
            if (n > 1) {
                double squares = 0;
                for (double v : values) {
                    squares += (v - mean) * (v - mean);
                }
                std = Math.sqrt(squares / (n - 1));
            }
            return new Stats(n, mean, std, min, max);
        }
    }

    /**
     * One grid point over its seeds.
     *
     * @param point the grid point
     * @param runs  its runs (one per seed)
     * @param stats the metric over its finished runs
     */
    public record Row(SweepRun.GroupKey point, int runs, Stats stats) {
    }

    /**
     * The report of a sweep as its runs stand: the sweep's own metric, else {@code metric}, else the first one the
     * runs report.
     *
     * @param metric the dev metric; {@code null} for the sweep's or the runs' own
     */
    public static SweepReport of(SweepFolder sweep, SweepStatus status, String metric, Value value) {
        return of(sweep.name(), sweep.hyperParameterAxes(), metric != null ? metric : sweep.metric().orElse(null),
                status, value);
    }

    /**
     * The report of runs as they stand, grouped by grid point in the order first met.
     *
     * @param metric the dev metric; {@code null} for the first the runs report
     */
    public static SweepReport of(String name, List<String> hyperParameterAxes, String metric, SweepStatus status,
            Value value) {
        String m = metric != null ? metric : status.firstMetric().orElse("");
        Map<SweepRun.GroupKey, List<SweepStatus.Entry>> groups = new LinkedHashMap<>();
        for (SweepStatus.Entry e : status.entries()) {
            groups.computeIfAbsent(e.run().group(), k -> new ArrayList<>()).add(e);
        }
        List<Row> rows = new ArrayList<>();
        groups.forEach((point, entries) -> {
            double[] values = entries.stream().filter(SweepStatus.Entry::isFinished)
                    .map(e -> e.metric(m, value)).filter(OptionalDouble::isPresent)
                    .mapToDouble(OptionalDouble::getAsDouble).toArray();
            rows.add(new Row(point, entries.size(), Stats.of(values)));
        });
        return new SweepReport(name, m, value, hyperParameterAxes, rows);
    }

    /** {@code task,plan,sparsity,<axes>,metric,value,runs,n,mean,std,min,max}; undefined numbers are empty. */
    public String csv() {
        StringBuilder b = new StringBuilder();
        List<Object> header = new ArrayList<>(List.of("task", "plan", "sparsity"));
        header.addAll(hyperParameterAxes);
        header.addAll(List.of("metric", "value", "runs", "n", "mean", "std", "min", "max"));
        b.append(Csv.row(header)).append('\n');
        for (Row r : rows) {
            List<Object> f = new ArrayList<>(List.of(r.point().task(), r.point().plan(),
                    r.point().sparsity() == null ? "" : r.point().sparsity()));
            hyperParameterAxes.forEach(k -> f.add(r.point().hyperParameters().getOrDefault(k, "")));
            Stats s = r.stats();
            f.addAll(List.of(metric, value.name().toLowerCase(Locale.ROOT), r.runs(), s.n(), number(s.mean()),
                    number(s.std()), number(s.min()), number(s.max())));
            b.append(Csv.row(f)).append('\n');
        }
        return b.toString();
    }

    /** A heading, a line on what the numbers are, and one table row per grid point (mean ± std, four decimals). */
    public String markdown() {
        StringBuilder b = new StringBuilder();
        b.append("# Sweep").append(name.isEmpty() ? "" : ": " + name).append("\n\n");
        String m = metric.isEmpty() ? "(no metric yet)" : metric;
        b.append("Dev ").append(m).append(value == Value.FINAL ? " at the end of each run" : ", the best of each run")
                .append(": mean ± sample std over seeds; n = finished / all runs.\n\n");
        List<String> header = new ArrayList<>(List.of("task", "plan", "sparsity"));
        header.addAll(hyperParameterAxes);
        header.addAll(List.of("n", m, "min", "max"));
        b.append(tableRow(header)).append(tableRow(alignments(header.size())));
        for (Row r : rows) {
            List<String> cells = new ArrayList<>(List.of(r.point().task(), r.point().plan(),
                    r.point().sparsity() == null ? "-" : SweepRun.percent(r.point().sparsity())));
            hyperParameterAxes.forEach(k -> cells.add(r.point().hyperParameters().getOrDefault(k, "")));
            Stats s = r.stats();
            cells.add(s.n() + "/" + r.runs());
            String mean = s.n() == 0 ? "–" : f4(s.mean()) + (s.n() > 1 ? " ± " + f4(s.std()) : "");
            cells.add(mean);
            cells.add(s.n() == 0 ? "–" : f4(s.min()));
            cells.add(s.n() == 0 ? "–" : f4(s.max()));
            b.append(tableRow(cells));
        }
        return b.toString();
    }

    /** Task and plan to the left, numbers to the right. */
    private static List<String> alignments(int columns) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < columns; i++) {
            out.add(i < 2 ? "---" : "---:");
        }
        return out;
    }

    /** Writes {@value #CSV_FILE} and {@value #MARKDOWN_FILE} into {@code folder}, each atomically. */
    public void write(Path folder) {
        write(folder.resolve(CSV_FILE), csv());
        write(folder.resolve(MARKDOWN_FILE), markdown());
    }

    private static void write(Path file, String text) {
        try {
            AtomicFiles.write(file, text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new SweepException(file, "cannot write: " + e.getMessage(), e);
        }
    }

    private static String tableRow(List<String> cells) {
        StringBuilder b = new StringBuilder("|");
        cells.forEach(c -> b.append(' ').append(c.replace("|", "\\|")).append(" |"));
        return b.append('\n').toString();
    }

    private static Object number(double v) {
        return Double.isNaN(v) ? "" : v;
    }

    static String f4(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
