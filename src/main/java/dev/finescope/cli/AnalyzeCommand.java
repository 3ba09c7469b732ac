package dev.finescope.cli;

import dev.finescope.analysis.Analyzer;
import dev.finescope.analysis.HeadComparison;
import dev.finescope.analysis.LayerGrid;
import dev.finescope.analysis.Metric;
import dev.finescope.analysis.ModelComparison;
import dev.finescope.analysis.TensorMetrics;
import dev.finescope.chart.ChartExport;
import dev.finescope.chart.GridData;
import dev.finescope.chart.HeadFigures;
import dev.finescope.chart.HeatmapChart;
import dev.finescope.checkpoint.Checkpoint;
import dev.finescope.checkpoint.CheckpointException;
import dev.finescope.checkpoint.Checkpoints;
import dev.finescope.checkpoint.GridColumn;
import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.checkpoint.NameMap;
import dev.finescope.checkpoint.overlay.Models;
import dev.finescope.checkpoint.overlay.Overlay;
import dev.finescope.common.AtomicFiles;
import dev.finescope.common.Csv;
import dev.finescope.common.Progress;
import java.awt.Dimension;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.DoubleFunction;
import org.jfree.chart.JFreeChart;
import org.jfree.data.Range;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code finescope analyze}: how far fine-tuning moved every tensor of one or more tuned models from their
 * base, as a CSV, a heatmap (PNG, SVG) or a table on the terminal. Inputs are checked before any work, and no
 * output may land on an input or inside an input folder.
 */
@Command(name = "analyze", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure how far each tensor of the tuned model(s) moved from the base.",
            "Without --csv, prints a table of the chosen metric on the layer × sublayer grid."})
final class AnalyzeCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @OutputPaths.Reads
    @Option(names = "--base", required = true, paramLabel = "PATH",
            description = "The pre-trained model: a model folder or a weights file (also the base of a tuned "
                    + "overlay whose own base is not found).")
    private Path base;

    @OutputPaths.Reads
    @Option(names = "--tuned", required = true, paramLabel = "PATH",
            description = "A fine-tuned model of that base (folder or weights file); repeat for several.")
    private List<Path> tuned;

    @OutputPaths.Writes
    @Option(names = "--csv", paramLabel = "FILE",
            description = "Write every metric of every tensor here, one row per tensor per tuned model.")
    private Path csv;

    @OutputPaths.Writes
    @Option(names = "--png", paramLabel = "FILE",
            description = "Write the heatmap of --metric as a PNG; with several tuned models one file each "
                    + "(FILE-<tuned>.png), on one shared colour scale.")
    private Path png;

    @OutputPaths.Writes
    @Option(names = "--svg", paramLabel = "FILE", description = "As --png, as SVG.")
    private Path svg;

    @Option(names = "--metric", paramLabel = "NAME", defaultValue = "rel_l2",
            description = "The metric of the table and heatmap (default: ${DEFAULT-VALUE}): mean_abs_delta, "
                    + "rel_l1, l2, rel_l2, cosine, angle_rad, frac_changed, frac_zero, max_abs_delta.")
    private Metric metric;

    @Option(names = "--scale", paramLabel = "log|linear",
            description = "Colour scale of the heatmap (default: log for distances, linear for shares and "
                    + "cosine).")
    private HeatmapChart.Scale scale;

    @Option(names = "--with-bias", description = "Measure each grid cell over its weight and bias together.")
    private boolean withBias;

    @Option(names = "--heads", description = "Split Q, K, V (by output rows) and attention-out (by input columns) "
            + "by attention head: the table, --csv, --png and --svg show layer × head for each matrix kind.")
    private boolean heads;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: one per core).")
    private int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--debug", description = "Show the stack trace of a failure.")
    private boolean debug;

    private record Result(ModelComparison comparison, GridData grid) {
    }

    @Override
    public Integer call() throws IOException {
        if (threads < 1) {
            throw new ParameterException(spec.commandLine(), "--threads must be at least 1, got " + threads);
        }
        List<Path> inputs = new ArrayList<>();
        inputs.add(base);
        inputs.addAll(tuned);
        for (Path p : inputs) {
            if (!Files.exists(p)) {
                throw new BadInputException(p + ": no such file or folder");
            }
        }
        List<String> labels = tunedLabels();
        List<String> fileLabels = new ArrayList<>();
        for (int i = 0; i < tuned.size(); i++) {
            fileLabels.add(labels.get(i) != null ? labels.get(i) : stem(tuned.get(i)));
        }
        List<Path> pngs = perModel(png, fileLabels);
        List<Path> svgs = perModel(svg, fileLabels);
        try (OutputPaths paths = OutputPaths.of().inputs("model", inputs).file("--csv", csv)
                .files("--png", pngs).files("--svg", svgs).check()) {
            return analyseAndWrite(labels, pngs, svgs);
        }
    }

    private int analyseAndWrite(List<String> labels, List<Path> pngs, List<Path> svgs) {
        if (heads) {
            return analyseHeads(labels, pngs, svgs);
        }
        List<Result> results = analyse(labels);
        PrintWriter out = spec.commandLine().getOut();
        if (csv != null) {
            writeCsv(results);
            out.println("wrote " + csv);
        }
        writeCharts(results.stream().map(Result::grid).toList(), pngs, svgs, out, null);
        DoubleFunction<String> format = metric == Metric.COSINE
                ? v -> number("%.6f", v) : v -> number("%.2e", v);
        for (Result r : results) {
            out.print(csv == null
                    ? SummaryTable.render(r.grid(), r.comparison(), format) + "\n"
                    : SummaryTable.sides(r.comparison()));
        }
        return 0;
    }

    private List<Result> analyse(List<String> labels) {
        Analyzer analyzer = new Analyzer(threads);
        NameMap names = NameMap.standard();
        List<Result> results = new ArrayList<>();
        try (ModelFolder b = Models.open(base)) {
            for (int i = 0; i < tuned.size(); i++) {
                try (ModelFolder t = Models.openPreferringOwnBase(b, tuned.get(i))) {
                    String label = labels.get(i) != null ? labels.get(i) : t.label();
                    ModelComparison c = analyzer.compare(b.weights(), b.label(), t.weights(), label, names,
                            Progress.NONE);
                    LayerGrid grid = LayerGrid.of(c, withBias);
                    results.add(new Result(c, GridData.of(grid, metric, b.label(), label, withBias)));
                }
            }
        }
        return results;
    }

    /** {@code --heads}: every head of every attention matrix, per tuned model. */
    private int analyseHeads(List<String> labels, List<Path> pngs, List<Path> svgs) {
        List<HeadComparison> comparisons = new ArrayList<>();
        try (ModelFolder b = Models.open(base)) {
            int n = b.config().numHeads();
            for (int i = 0; i < tuned.size(); i++) {
                try (ModelFolder t = Models.openPreferringOwnBase(b, tuned.get(i))) {
                    String label = labels.get(i) != null ? labels.get(i) : Models.displayName(t);
                    comparisons.add(HeadComparison.compare(b.weights(), b.label(), t.weights(), label,
                            NameMap.standard(), n, withBias, Progress.NONE));
                }
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (csv != null) {
            StringBuilder sb = new StringBuilder(HEADS_HEADER).append('\n');
            for (HeadComparison c : comparisons) {
                for (GridColumn kind : HeadComparison.KINDS) {
                    for (int layer = 0; layer < c.layers() && c.metrics().containsKey(kind); layer++) {
                        for (int h = 0; h < c.heads(); h++) {
                            TensorMetrics m = c.of(kind, layer, h);
                            List<Object> fields = new ArrayList<>(List.of(c.tunedLabel(), layer, kind.csvName(), h,
                                    m.numel()));
                            for (Metric x : Metric.values()) {
                                fields.add(x.of(m));
                            }
                            sb.append(Csv.row(fields)).append('\n');
                        }
                    }
                }
            }
            writing(csv, () -> AtomicFiles.write(csv, sb.toString().getBytes(StandardCharsets.UTF_8)));
            out.println("wrote " + csv);
        }
        writeCharts(comparisons.stream().map(c -> HeadFigures.grid(c, metric)).toList(), pngs, svgs, out,
                HeadFigures.COLUMN_AXIS);
        if (csv == null) {
            for (HeadComparison c : comparisons) {
                out.print(headTables(c));
            }
        }
        return 0;
    }

    /** The CSV header of {@code --heads}: one row per tuned model, layer, matrix and head. */
    static final String HEADS_HEADER = "tuned,layer,matrix,head,numel," + String.join(",",
            java.util.Arrays.stream(Metric.values()).map(Metric::id).toList());

    /** The chosen metric as one layer × head table per matrix kind. */
    private String headTables(HeadComparison c) {
        DoubleFunction<String> format = metric == Metric.COSINE ? v -> number("%.6f", v) : v -> number("%.2e", v);
        StringBuilder sb = new StringBuilder(metric.label() + " per head: " + c.tunedLabel() + " against "
                + c.baseLabel() + "\n");
        for (GridColumn kind : HeadComparison.KINDS) {
            if (!c.metrics().containsKey(kind)) {
                continue;
            }
            List<String[]> rows = new ArrayList<>();
            String[] head = new String[c.heads() + 1];
            head[0] = kind.csvName();
            for (int h = 0; h < c.heads(); h++) {
                head[h + 1] = "h" + h;
            }
            rows.add(head);
            for (int layer = 0; layer < c.layers(); layer++) {
                String[] row = new String[c.heads() + 1];
                row[0] = "layer " + layer;
                for (int h = 0; h < c.heads(); h++) {
                    row[h + 1] = format.apply(metric.of(c.of(kind, layer, h)));
                }
                rows.add(row);
            }
            sb.append(WhatIfCommand.table(rows)).append('\n');
        }
        return sb.toString();
    }

    /**
     * Labels of the tuned models where their names would clash (two folders called {@code model}): the path
     * as given; null where the model's own label is unique.
     */
    private List<String> tunedLabels() {
        List<String> names = tuned.stream().map(AnalyzeCommand::fileName).toList();
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < tuned.size(); i++) {
            boolean clash = names.indexOf(names.get(i)) != names.lastIndexOf(names.get(i));
            labels.add(clash ? tuned.get(i).toString() : null);
        }
        return labels;
    }

    /** One output file per tuned model: the file itself for one model, {@code stem-<model>.ext} for several. */
    static List<Path> perModel(Path file, List<String> models) {
        if (file == null) {
            return List.of();
        }
        if (models.size() == 1) {
            return List.of(file);
        }
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String ext = dot > 0 ? name.substring(dot) : "";
        List<Path> files = new ArrayList<>();
        Set<String> used = new HashSet<>();
        for (String model : models) {
            String label = model.replaceAll("[^A-Za-z0-9._-]+", "_");
            String candidate = stem + "-" + label + ext;
            for (int n = 2; !used.add(candidate); n++) {
                candidate = stem + "-" + label + "-" + n + ext;
            }
            files.add(file.resolveSibling(candidate));
        }
        return files;
    }

    /** A folder's name, or a file's name without its extension: how a chart file names its model. */
    private static String stem(Path p) {
        String name = fileName(p);
        int dot = name.lastIndexOf('.');
        return Files.isRegularFile(p) && dot > 0 ? name.substring(0, dot) : name;
    }

    private static String fileName(Path p) {
        Path name = p.toAbsolutePath().normalize().getFileName();
        return name == null ? p.toString() : name.toString();
    }

    private void writeCsv(List<Result> results) {
        List<CsvReport.Row> rows = CsvReport.rows(results.stream().map(Result::comparison).toList());
        writing(csv, () -> AtomicFiles.write(csv, stream -> {
            Writer w = new OutputStreamWriter(stream, StandardCharsets.UTF_8);
            CsvReport.write(rows, w);
            w.flush();
        }));
    }

    /** The heatmaps of {@code grids}, on one colour scale; {@code columnAxis} names the columns unless null. */
    private void writeCharts(List<GridData> grids, List<Path> pngs, List<Path> svgs, PrintWriter out,
            String columnAxis) {
        if (pngs.isEmpty() && svgs.isEmpty()) {
            return;
        }
        HeatmapChart.Scale s = scale != null ? scale : HeatmapChart.defaultScale(metric);
        Range range = HeatmapChart.naturalRange(metric).filter(r -> s == HeatmapChart.Scale.LINEAR)
                .orElseGet(() -> HeatmapChart.range(s, grids));
        for (int i = 0; i < grids.size(); i++) {
            JFreeChart chart = HeatmapChart.create(grids.get(i), s, range, grids.size() > 1);
            if (columnAxis != null && chart.getPlot() instanceof org.jfree.chart.plot.XYPlot plot) {
                plot.getDomainAxis().setLabel(columnAxis);
            }
            Dimension size = HeatmapChart.preferredSize(grids.get(i));
            if (!pngs.isEmpty()) {
                Path file = pngs.get(i);
                writing(file, () -> ChartExport.png(chart, file, size.width, size.height, null));
                out.println("wrote " + file);
            }
            if (!svgs.isEmpty()) {
                Path file = svgs.get(i);
                writing(file, () -> ChartExport.svg(chart, file, size.width, size.height));
                out.println("wrote " + file);
            }
        }
    }

    @FunctionalInterface
    private interface Write {
        void run() throws IOException;
    }

    /** Runs a write; a failure becomes one line naming the file and the reason. */
    private static void writing(Path file, Write write) {
        try {
            write.run();
        } catch (AccessDeniedException e) {
            throw new BadInputException(file + ": cannot write: permission denied", e);
        } catch (FileSystemException e) {
            String reason = e.getReason() != null ? e.getReason() : e.getClass().getSimpleName();
            throw new BadInputException(file + ": cannot write: " + reason, e);
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot write: " + e.getMessage(), e);
        }
    }

    /** A compact number for the table: NaN and 0 spelled out, others in {@code format}. */
    static String number(String format, double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        return v == 0 ? "0" : String.format(Locale.ROOT, format, v);
    }
}
