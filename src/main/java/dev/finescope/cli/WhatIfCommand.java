package dev.finescope.cli;

import dev.finescope.chart.ChartExport;
import dev.finescope.chart.CurveChart;
import dev.finescope.chart.GridData;
import dev.finescope.chart.HeatmapChart;
import dev.finescope.chart.SweepFigures;
import dev.finescope.checkpoint.CheckpointException;
import dev.finescope.checkpoint.GridColumn;
import dev.finescope.common.AtomicFiles;
import dev.finescope.common.Csv;
import dev.finescope.common.Progress;
import dev.finescope.train.data.DataException;
import dev.finescope.whatif.MatrixRef;
import dev.finescope.whatif.Selection;
import dev.finescope.whatif.SweepPoint;
import dev.finescope.whatif.SweepResult;
import java.awt.Dimension;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.data.Range;
import picocli.CommandLine.Command;

/**
 * {@code finescope whatif}: questions answered without training. What does the model lose if these matrices are
 * pruned, or set back to their pre-trained values? Which matrices and layers does the task depend on (a sweep)?
 * Are two learned masks the same solution? Each prints a table and writes CSV and charts on request, as the app's
 * What-if view does.
 */
@Command(name = "whatif", mixinStandardHelpOptions = true,
        subcommands = {WhatIfPrune.class, WhatIfRevert.class, WhatIfSweep.class, WhatIfRevertLayers.class,
            WhatIfEstimate.class, WhatIfMasks.class, WhatIfCka.class},
        description = {"Prune, revert, sweep sensitivity and compare masks of a model with a task head, "
                + "evaluated on a task's labelled data. No training."})
final class WhatIfCommand {

    /** Seconds a Ctrl-C waits for the running evaluation to stop, so that the CSV ends on a whole point. */
    static final int CANCEL_WAIT_SECONDS = 30;

    /** Prints the opening's progress at most once per step of a quarter. */
    static final class ProgressLine implements Progress {
        private final PrintWriter err;
        private int lastQuarter = -1;

        ProgressLine(PrintWriter err) {
            this.err = err;
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public void update(long done, long total, String message) {
            int quarter = (int) Math.floor(4.0 * done / total);
            if (quarter != lastQuarter) {
                lastQuarter = quarter;
                err.println(message);
                err.flush();
            }
        }
    }

    private WhatIfCommand() {
    }

    /** One line per quarter of the work on standard error; asks the work to stop after Ctrl-C. */
    static final class CkaProgress implements dev.finescope.common.Progress {
        private final PrintWriter err;
        private final Progress cancel;
        private int lastQuarter = -1;

        CkaProgress(PrintWriter err, Progress cancel) {
            this.err = err;
            this.cancel = cancel;
        }

        @Override
        public synchronized void update(long done, long total, String what) {
            int quarter = total <= 0 ? 0 : (int) (done * 4 / total);
            if (quarter != lastQuarter) {
                lastQuarter = quarter;
                err.println(what);
                err.flush();
            }
        }

        @Override
        public boolean isCancelled() {
            return cancel.isCancelled();
        }
    }

    // ------------------------------------------------------------------------------------------------ shared

    @FunctionalInterface
    interface Work<T> {
        T run();
    }

    /** Runs library code; its bad-input exceptions become one line naming the file, exit code 2. */
    static <T> T guarded(Work<T> work) {
        try {
            return work.run();
        } catch (CheckpointException | DataException e) {
            throw new BadInputException(e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw new BadInputException(e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage(), e);
        }
    }

    @FunctionalInterface
    interface CancellableWork<T> {
        T run(Progress cancel);
    }

    /** Runs {@code work} so that Ctrl-C asks it to stop and waits for it to end on a whole point. */
    static <T> T cancellable(CancellableWork<T> work) {
        return CtrlC.cancellable("finescope-whatif-cancel", CANCEL_WAIT_SECONDS,
                cancelled -> work.run(Progress.cancelledWhen(cancelled)));
    }

    /** One line per tenth of a sweep on standard error. */
    static final class SweepProgress implements dev.finescope.whatif.SweepListener {
        private final PrintWriter err;
        private int lastDecile = -1;

        SweepProgress(PrintWriter err) {
            this.err = err;
        }

        @Override
        public void point(SweepPoint point, int done, int total) {
            int decile = total == 0 ? 10 : done * 10 / total;
            if (decile != lastDecile) {
                lastDecile = decile;
                err.println(done + " of " + total + " points");
                err.flush();
            }
        }
    }

    static List<MatrixRef> selection(String text, int layers) {
        try {
            return Selection.parse(text, layers);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--select: " + e.getMessage(), e);
        }
    }

    static GridColumn column(String name) {
        GridColumn c;
        try {
            c = GridColumn.fromCsvName(name.strip());
        } catch (IllegalArgumentException e) {
            c = null;
        }
        if (c == null || !MatrixRef.matrixColumns().contains(c)) {
            throw new BadInputException("--columns: '" + name + "' is not a weight matrix; choose from Q, K, V, "
                    + "AttnOut, FFN-in, FFN-out");
        }
        return c;
    }

    /** The session's inputs, each of which must exist: the model, its base and the data. */
    static OutputPaths sessionInputs(WhatIfSessionOptions session) {
        for (Path p : new Path[] {session.model, session.base, session.data}) {
            if (p != null && !Files.exists(p)) {
                throw new BadInputException(p + ": does not exist");
            }
        }
        return OutputPaths.of().input("model", session.model).input("base model", session.base)
                .input("data file", session.data);
    }

    /** The chart files of a sweep: a heatmap per sparsity, then the curves, for PNG then SVG. */
    static List<Path> chartFiles(Path png, Path svg, double[] sparsities) {
        List<Path> files = new ArrayList<>();
        for (Path p : new Path[] {png, svg}) {
            if (p == null) {
                continue;
            }
            String ext = p == png ? ".png" : ".svg";
            for (double s : sparsities) {
                files.add(sibling(p, Double.isNaN(s) ? "layers" : "s" + percentName(s), ext));
            }
            files.add(sibling(p, "curves", ext));
        }
        return files;
    }

    static String percentName(double s) {
        double p = s * 100;
        return p == Math.rint(p) ? Long.toString(Math.round(p)) : Double.toString(p).replace('.', '_');
    }

    private static Path sibling(Path file, String suffix, String ext) {
        String name = file.getFileName().toString();
        String stem = name.toLowerCase(Locale.ROOT).endsWith(ext) ? name.substring(0, name.length() - ext.length())
                : name;
        return file.resolveSibling(stem + "-" + suffix + ext);
    }

    /** Heatmaps of the metric (linear colour scale, shared by all sparsities) and the curves per layer. */
    static void writeSweepCharts(SweepResult result, Path png, Path svg, PrintWriter out) {
        if (png == null && svg == null) {
            return;
        }
        double[] sparsities = result.spec().sparsities();
        List<GridData> grids = new ArrayList<>();
        for (double s : sparsities) {
            GridData g = SweepFigures.grid(result, s);
            grids.add(sparsities.length == 1 ? g : new GridData(g.metricLabel(), g.baseLabel(), g.tunedLabel(),
                    g.cellNote() + " · one colour scale for all sparsities", g.columnLabels(), g.rows()));
        }
        Range range = HeatmapChart.range(HeatmapChart.Scale.LINEAR, grids);
        for (int i = 0; i < sparsities.length; i++) {
            JFreeChart chart = HeatmapChart.create(grids.get(i), HeatmapChart.Scale.LINEAR, range, false);
            String suffix = Double.isNaN(sparsities[i]) ? "layers" : "s" + percentName(sparsities[i]);
            writeChart(chart, png == null ? null : sibling(png, suffix, ".png"),
                    svg == null ? null : sibling(svg, suffix, ".svg"), HeatmapChart.preferredSize(grids.get(i)), out);
        }
        boolean revert = sparsities.length == 1 && Double.isNaN(sparsities[0]);
        CurveChart.Panel panel = new CurveChart.Panel(result.primaryMetric(), SweepFigures.curvesPerLayer(result),
                null);
        JFreeChart curves = CurveChart.create(result.primaryMetric() + " — " + result.modelLabel(),
                revert ? "each layer set back to pre-trained" : "unedited " + f4(result.baseline()),
                revert ? "layer reverted" : "sparsity of the pruned matrix (%)", List.of(panel));
        writeChart(curves, png == null ? null : sibling(png, "curves", ".png"),
                svg == null ? null : sibling(svg, "curves", ".svg"), new Dimension(900, 560), out);
    }

    static void writeChart(JFreeChart chart, Path png, Path svg, Dimension size, PrintWriter out) {
        try {
            if (png != null) {
                ChartExport.png(chart, png, size.width, size.height, null);
                out.println("wrote " + png);
            }
            if (svg != null) {
                ChartExport.svg(chart, svg, size.width, size.height);
                out.println("wrote " + svg);
            }
        } catch (IOException e) {
            throw new BadInputException((png != null ? png : svg) + ": cannot write: " + e.getMessage(), e);
        }
    }

    /** The metric per sparsity on the layer × matrix grid, one table per sparsity. */
    static String gridTables(SweepResult r) {
        StringBuilder sb = new StringBuilder();
        for (double s : r.spec().sparsities()) {
            GridData g = SweepFigures.grid(r, s);
            List<String[]> rows = new ArrayList<>();
            List<String> head = new ArrayList<>();
            head.add(r.primaryMetric() + " @ " + percentName(s) + " %");
            head.addAll(g.columnLabels());
            rows.add(head.toArray(String[]::new));
            for (GridData.Row row : g.rows()) {
                List<String> cells = new ArrayList<>();
                cells.add(row.label());
                for (GridData.Cell c : row.cells()) {
                    cells.add(c.present() ? f4(c.value()) : "·");
                }
                rows.add(cells.toArray(String[]::new));
            }
            sb.append(table(rows)).append('\n');
        }
        return sb.toString();
    }

    /** Writes table rows (the first is the header) as CSV, atomically. */
    static void writeRows(Path file, List<String[]> rows, PrintWriter out) {
        if (file == null) {
            return;
        }
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            Csv.appendRow(sb, (Object[]) r);
        }
        try {
            AtomicFiles.write(file, o -> o.write(sb.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot write: " + e.getMessage(), e);
        }
        out.println("wrote " + file);
    }

    /** Left-aligned first column, right-aligned numbers, two spaces between. */
    static String table(List<String[]> rows) {
        int cols = rows.stream().mapToInt(r -> r.length).max().orElse(0);
        int[] width = new int[cols];
        for (String[] r : rows) {
            for (int c = 0; c < r.length; c++) {
                width[c] = Math.max(width[c], r[c].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < r.length; c++) {
                if (c > 0) {
                    line.append("  ");
                }
                String pad = " ".repeat(width[c] - r[c].length());
                line.append(c == 0 ? r[c] + pad : pad + r[c]);
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        return sb.toString();
    }

    static String f4(double v) {
        return Double.isNaN(v) ? "NaN" : String.format(Locale.ROOT, "%.4f", v);
    }

    static String signed(double v) {
        return Double.isNaN(v) ? "NaN" : String.format(Locale.ROOT, "%+.4f", v);
    }

    static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.2f", nanos / 1e9);
    }
}
