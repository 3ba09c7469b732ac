package dev.finescope.cli;

import static dev.finescope.cli.WhatIfCommand.f4;
import static dev.finescope.cli.WhatIfCommand.guarded;
import static dev.finescope.cli.WhatIfCommand.table;
import static dev.finescope.cli.WhatIfCommand.writeChart;

import dev.finescope.chart.GridData;
import dev.finescope.chart.HeatmapChart;
import dev.finescope.whatif.MaskComparison;
import java.awt.Dimension;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jfree.chart.JFreeChart;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code finescope whatif masks}: learned masks compared pairwise (Hamming, Jaccard), overall and per matrix. */
@Command(name = "masks", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Compare the learned masks of several runs: share of differing bits (Hamming) and overlap "
                + "of the zero sets (Jaccard), overall and per matrix, beside each run's accuracy."})
final class WhatIfMasks implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @OutputPaths.Reads
    @Parameters(arity = "2..*", paramLabel = "OVERLAY", description = "Overlays of runs with learned masks.")
    List<Path> overlays;

    @Option(names = "--label", split = ",", paramLabel = "NAME",
            description = "Names for the runs, in order (default: their folder names).")
    List<String> labels;

    @OutputPaths.Writes
    @Option(names = "--csv", paramLabel = "FILE", description = "One row per pair overall, then per matrix.")
    Path csv;

    @OutputPaths.Writes
    @Option(names = "--png", paramLabel = "FILE", description = "The pairwise Hamming distances as a heatmap.")
    Path png;

    @OutputPaths.Writes
    @Option(names = "--svg", paramLabel = "FILE", description = "As --png, as SVG.")
    Path svg;

    @Option(names = "--debug", description = "Show the stack trace of a failure.")
    boolean debug;

    @Override
    public Integer call() {
        for (Path o : overlays) {
            if (!Files.isRegularFile(o)) {
                throw new BadInputException(o + ": " + (Files.exists(o) ? "is not a file" : "does not exist"));
            }
        }
        try (OutputPaths paths = OutputPaths.of().inputs("overlay", overlays).file("--csv", csv)
                .file("--png", png).file("--svg", svg).check()) {
            return compare(spec.commandLine().getOut());
        }
    }

    private int compare(PrintWriter out) {
        MaskComparison c = guarded(() -> MaskComparison.compare(overlays, labels));
        List<String[]> rows = new ArrayList<>();
        List<String> head = new ArrayList<>(List.of("run", "accuracy"));
        head.addAll(c.labels().stream().map(l -> "hamming " + l).toList());
        rows.add(head.toArray(String[]::new));
        for (int a = 0; a < c.labels().size(); a++) {
            List<String> row = new ArrayList<>(List.of(c.labels().get(a),
                    c.accuracies().get(a) == null ? "?" : f4(c.accuracies().get(a))));
            for (int b = 0; b < c.labels().size(); b++) {
                row.add(f4(c.hamming()[a][b]));
            }
            rows.add(row.toArray(String[]::new));
        }
        out.print(table(rows));
        List<String[]> jac = new ArrayList<>();
        List<String> jh = new ArrayList<>(List.of("run"));
        jh.addAll(c.labels().stream().map(l -> "jaccard " + l).toList());
        jac.add(jh.toArray(String[]::new));
        for (int a = 0; a < c.labels().size(); a++) {
            List<String> row = new ArrayList<>(List.of(c.labels().get(a)));
            for (int b = 0; b < c.labels().size(); b++) {
                row.add(f4(c.jaccard()[a][b]));
            }
            jac.add(row.toArray(String[]::new));
        }
        out.println();
        out.print(table(jac));
        if (csv != null) {
            guarded(() -> {
                c.writeCsv(csv);
                return null;
            });
            out.println("wrote " + csv);
        }
        if (png != null || svg != null) {
            List<GridData.Row> gridRows = new ArrayList<>();
            for (int a = 0; a < c.labels().size(); a++) {
                List<GridData.Cell> cells = new ArrayList<>();
                for (int b = 0; b < c.labels().size(); b++) {
                    cells.add(GridData.Cell.of(null, c.hamming()[a][b]));
                }
                gridRows.add(new GridData.Row(c.labels().get(a), cells));
            }
            GridData grid = new GridData("Hamming distance of the masks", "each other", "runs",
                    "cell = share of differing mask bits", c.labels(), gridRows);
            JFreeChart chart = HeatmapChart.create(grid, HeatmapChart.Scale.LINEAR,
                    HeatmapChart.range(HeatmapChart.Scale.LINEAR, List.of(grid)), false);
            Dimension size = HeatmapChart.preferredSize(grid);
            writeChart(chart, png, svg, size, out);
        }
        return 0;
    }
}
