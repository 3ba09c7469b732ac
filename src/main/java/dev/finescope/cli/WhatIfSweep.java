package dev.finescope.cli;

import static dev.finescope.cli.WhatIfCommand.cancellable;
import static dev.finescope.cli.WhatIfCommand.chartFiles;
import static dev.finescope.cli.WhatIfCommand.f4;
import static dev.finescope.cli.WhatIfCommand.gridTables;
import static dev.finescope.cli.WhatIfCommand.guarded;
import static dev.finescope.cli.WhatIfCommand.writeSweepCharts;

import dev.finescope.cli.WhatIfCommand.SweepProgress;
import dev.finescope.whatif.SensitivitySweep;
import dev.finescope.whatif.SweepResult;
import dev.finescope.whatif.SweepSpec;
import dev.finescope.whatif.WhatIfSession;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code finescope whatif sweep}: every matrix (or layer) pruned alone at each sparsity, resumable from its CSV. */
@Command(name = "sweep", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Prune every matrix (or every layer's matrices together) alone at several sparsities: "
                + "which parts the task depends on. Ctrl-C stops after the running evaluation; --resume goes on "
                + "from the CSV."})
final class WhatIfSweep implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    WhatIfSessionOptions session;

    @Mixin
    WhatIfGridOptions grid;

    @Mixin
    WhatIfPruneOptions pruning;

    @OutputPaths.Writes
    @Option(names = "--csv", paramLabel = "FILE",
            description = "Every point as it finishes; the finished sweep is rewritten in grid order.")
    Path csv;

    @Option(names = "--resume", description = "Go on from the points already in --csv (of the same model, data "
            + "and sweep) instead of starting afresh.")
    boolean resume;

    @OutputPaths.Writes
    @Option(names = "--png", paramLabel = "FILE",
            description = "Heatmaps (FILE-s<percent>.png, one per sparsity) and the curves per layer "
                    + "(FILE-curves.png).")
    Path png;

    @OutputPaths.Writes
    @Option(names = "--svg", paramLabel = "FILE", description = "As --png, as SVG.")
    Path svg;

    @Override
    public Integer call() throws IOException {
        SweepSpec sweep = grid.spec(pruning.method, pruning.seed);
        if (resume && csv == null) {
            throw new BadInputException("--resume needs --csv, the file of the sweep to go on with");
        }
        try (OutputPaths paths = session.paths().file("--csv", csv).file("--png", png).file("--svg", svg)
                .files("--png", chartFiles(png, null, sweep.sparsities()))
                .files("--svg", chartFiles(null, svg, sweep.sparsities())).check()) {
            return sweep(sweep);
        }
    }

    private int sweep(SweepSpec sweep) throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        SweepResult result;
        try (WhatIfSession w = session.open(err)) {
            if (csv != null && !resume) {
                Files.deleteIfExists(csv);
            }
            out.println(w.modelLabel() + " on " + w.examples() + " examples: " + w.primaryMetric() + " "
                    + f4(w.baseline().primary()) + " unpruned");
            out.flush();
            result = cancellable(cancel -> guarded(() -> SensitivitySweep.run(w, sweep, csv,
                    new SweepProgress(err), cancel)));
        }
        out.print(gridTables(result));
        if (!result.complete()) {
            err.println("finescope: the sweep stopped after " + result.points().size() + " points"
                    + (csv == null ? "" : "; go on with --resume --csv " + csv));
            return 130;
        }
        if (csv != null) {
            out.println("wrote " + csv);
        }
        writeSweepCharts(result, png, svg, out);
        return 0;
    }
}
