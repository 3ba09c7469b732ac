package dev.finescope.cli;

import static dev.finescope.cli.WhatIfCommand.cancellable;
import static dev.finescope.cli.WhatIfCommand.chartFiles;
import static dev.finescope.cli.WhatIfCommand.f4;
import static dev.finescope.cli.WhatIfCommand.guarded;
import static dev.finescope.cli.WhatIfCommand.signed;
import static dev.finescope.cli.WhatIfCommand.table;
import static dev.finescope.cli.WhatIfCommand.writeSweepCharts;

import dev.finescope.cli.WhatIfCommand.SweepProgress;
import dev.finescope.whatif.SensitivitySweep;
import dev.finescope.whatif.SweepPoint;
import dev.finescope.whatif.SweepResult;
import dev.finescope.whatif.WhatIfSession;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code finescope whatif revert-layers}: each layer set back to the base alone, one evaluation per layer. */
@Command(name = "revert-layers", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Set each layer back to its pre-trained values, one at a time: which layers' fine-tuning "
                + "carries the task."})
final class WhatIfRevertLayers implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    WhatIfSessionOptions session;

    @OutputPaths.Writes
    @Option(names = "--csv", paramLabel = "FILE", description = "One row per layer.")
    Path csv;

    @OutputPaths.Writes
    @Option(names = "--png", paramLabel = "FILE",
            description = "The layers as a one-column heatmap (FILE-layers.png) and a curve (FILE-curves.png).")
    Path png;

    @OutputPaths.Writes
    @Option(names = "--svg", paramLabel = "FILE", description = "As --png, as SVG.")
    Path svg;

    @Override
    public Integer call() {
        double[] layers = {Double.NaN};
        try (OutputPaths paths = session.paths().file("--csv", csv).file("--png", png).file("--svg", svg)
                .files("--png", chartFiles(png, null, layers)).files("--svg", chartFiles(null, svg, layers))
                .check()) {
            return revertLayers();
        }
    }

    private int revertLayers() {
        PrintWriter out = spec.commandLine().getOut();
        SweepResult result;
        try (WhatIfSession w = session.open(spec.commandLine().getErr())) {
            if (!w.canRevert()) {
                throw new BadInputException(session.model + ": no base to revert to; give --base");
            }
            result = cancellable(cancel -> guarded(() -> SensitivitySweep.revertEachLayer(w,
                    new SweepProgress(spec.commandLine().getErr()), cancel)));
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"layer reverted", result.primaryMetric(), "delta"});
        List<SweepPoint> points = new ArrayList<>(result.points());
        points.sort(java.util.Comparator.comparingInt(SweepPoint::layer));
        for (SweepPoint p : points) {
            rows.add(new String[] {Integer.toString(p.layer()), f4(p.metric()), signed(p.delta())});
        }
        out.println(result.modelLabel() + ": " + result.primaryMetric() + " " + f4(result.baseline())
                + " as fine-tuned");
        out.print(table(rows));
        if (!result.complete()) {
            spec.commandLine().getErr().println("finescope: stopped after " + points.size() + " layers");
            return 130;
        }
        if (csv != null) {
            guarded(() -> {
                result.writeCsv(csv);
                return null;
            });
            out.println("wrote " + csv);
        }
        writeSweepCharts(result, png, svg, out);
        return 0;
    }
}
