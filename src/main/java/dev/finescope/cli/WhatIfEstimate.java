package dev.finescope.cli;

import static dev.finescope.cli.WhatIfCommand.guarded;
import static dev.finescope.cli.WhatIfCommand.table;

import dev.finescope.common.AtomicFiles;
import dev.finescope.common.Csv;
import dev.finescope.common.Progress;
import dev.finescope.whatif.PruneMethod;
import dev.finescope.whatif.SensitivityEstimate;
import dev.finescope.whatif.SweepSpec;
import dev.finescope.whatif.WhatIfSession;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code finescope whatif estimate}: a sweep's points estimated from one pass of gradients, not measured. */
@Command(name = "estimate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Estimate, from one pass of gradients over the data, how much the task loss would change "
                + "if each matrix (or layer) were pruned by magnitude or set back to the base: "
                + "Σ g·Δw + ½ Σ F·Δw². An estimate, not a measurement: --compare says how well it ranks a measured sweep."})
final class WhatIfEstimate implements Callable<Integer> {

    /** The first line of an estimate's CSV, so that it is never taken for a measured sweep. */
    static final String TITLE = "# FineScope sensitivity estimate (first-order Taylor with diagonal Fisher; "
            + "not a measurement)";
    static final String HEADER = "layer,column,sparsity,first_order,second_order,loss_change";

    @Spec
    CommandSpec spec;

    @Mixin
    WhatIfSessionOptions session;

    @Mixin
    WhatIfGridOptions grid;

    @Option(names = "--revert", description = "Estimate setting each layer's matrices (weights and biases) back to "
            + "the base, one layer at a time, instead of pruning.")
    boolean revert;

    @OutputPaths.Reads
    @Option(names = "--compare", paramLabel = "SWEEP_CSV",
            description = "A measured sweep of the same grid (whatif sweep --csv): print Spearman's rank "
                    + "correlation between the estimated loss rise and the measured fall of the metric.")
    Path compare;

    @OutputPaths.Writes
    @Option(names = "--csv", paramLabel = "FILE", description = "One row per estimated point.")
    Path csv;

    @Override
    public Integer call() {
        SweepSpec sweep = revert ? SweepSpec.revertLayers() : grid.spec(PruneMethod.MAGNITUDE, 0);
        try (OutputPaths paths = session.paths().input("measured sweep", compare).file("--csv", csv).check()) {
            return estimate(sweep);
        }
    }

    private int estimate(SweepSpec sweep) {
        PrintWriter out = spec.commandLine().getOut();
        SensitivityEstimate e;
        long t0 = System.nanoTime();
        try (WhatIfSession w = session.open(spec.commandLine().getErr())) {
            if (revert && !w.canRevert()) {
                throw new BadInputException(session.model + ": no base to revert to; give --base");
            }
            e = guarded(() -> SensitivityEstimate.of(w, sweep, Progress.NONE));
        }
        out.printf(Locale.ROOT, "%s: loss %.4f unedited; estimated loss change (not measured), %.1f s%n",
                e.modelLabel(), e.baselineLoss(), (System.nanoTime() - t0) / 1e9);
        out.print(tables(e));
        if (compare != null) {
            SensitivityEstimate.Agreement a = guarded(() -> e.spearman(SensitivityEstimate.measuredPoints(compare)));
            out.printf(Locale.ROOT, "Spearman's ρ, estimated loss rise against measured metric fall: %s over %d "
                    + "points of %s%n", Double.isNaN(a.rho()) ? "undefined" : String.format(Locale.ROOT, "%.3f",
                    a.rho()), a.points(), compare);
        }
        if (csv != null) {
            StringBuilder sb = new StringBuilder(TITLE).append('\n').append(HEADER).append('\n');
            for (SensitivityEstimate.Point p : e.points()) {
                Csv.appendRow(sb, p.layer(), p.column(), p.sparsity(), p.firstOrder(), p.secondOrder(),
                        p.lossChange());
            }
            try {
                AtomicFiles.write(csv, sb.toString().getBytes(StandardCharsets.UTF_8));
            } catch (IOException ex) {
                throw new BadInputException(csv + ": cannot write: " + ex.getMessage(), ex);
            }
            out.println("wrote " + csv);
        }
        return 0;
    }

    /** Per sparsity, the estimated loss change on the layer × column grid. */
    private static String tables(SensitivityEstimate e) {
        StringBuilder sb = new StringBuilder();
        List<String> columns = e.points().stream().map(SensitivityEstimate.Point::column).distinct().toList();
        int layers = e.points().stream().mapToInt(SensitivityEstimate.Point::layer).max().orElse(-1) + 1;
        for (double s : e.spec().sparsities()) {
            List<String[]> rows = new ArrayList<>();
            List<String> head = new ArrayList<>();
            head.add(Double.isNaN(s) ? "Δloss, reverted" : String.format(Locale.ROOT, "Δloss @ %s %%",
                    WhatIfCommand.percentName(s)));
            head.addAll(columns);
            rows.add(head.toArray(String[]::new));
            for (int layer = 0; layer < layers; layer++) {
                List<String> cells = new ArrayList<>();
                cells.add("layer " + layer);
                for (String c : columns) {
                    int l = layer;
                    cells.add(e.point(l, c, s).map(p -> String.format(Locale.ROOT, "%+.4f", p.lossChange()))
                            .orElse("·"));
                }
                rows.add(cells.toArray(String[]::new));
            }
            sb.append(table(rows)).append('\n');
        }
        return sb.toString();
    }
}
