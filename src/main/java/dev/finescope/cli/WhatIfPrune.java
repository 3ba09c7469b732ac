package dev.finescope.cli;

import static dev.finescope.cli.WhatIfCommand.f4;
import static dev.finescope.cli.WhatIfCommand.guarded;
import static dev.finescope.cli.WhatIfCommand.seconds;
import static dev.finescope.cli.WhatIfCommand.selection;
import static dev.finescope.cli.WhatIfCommand.signed;
import static dev.finescope.cli.WhatIfCommand.table;
import static dev.finescope.cli.WhatIfCommand.writeRows;

import dev.finescope.common.Progress;
import dev.finescope.whatif.Edit;
import dev.finescope.whatif.MatrixRef;
import dev.finescope.whatif.Outcome;
import dev.finescope.whatif.Selection;
import dev.finescope.whatif.WhatIfSession;
import java.io.PrintWriter;
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

/** {@code finescope whatif prune}: the chosen matrices pruned at each sparsity, each evaluated. */
@Command(name = "prune", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Zero the smallest (or random) share of the chosen matrices and evaluate; one row per "
                + "sparsity, against the unpruned model."})
final class WhatIfPrune implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    WhatIfSessionOptions session;

    @Option(names = "--select", defaultValue = "all", paramLabel = "TEXT",
            description = "Matrices: all, layer:3, layers:2-4, column:FFN-in, 3:V,4:FFN-out … "
                    + "(default ${DEFAULT-VALUE}).")
    String select;

    @Option(names = "--sparsity", required = true, split = ",", paramLabel = "S",
            description = "Share(s) of zeros per matrix, 0..1, comma-separated (0.3 or 0.1,0.5,0.9).")
    List<Double> sparsities;

    @Mixin
    WhatIfPruneOptions pruning;

    @OutputPaths.Writes
    @Option(names = "--csv", paramLabel = "FILE", description = "Write one row per sparsity.")
    Path csv;

    @Override
    public Integer call() {
        for (double s : sparsities) {
            if (!(s >= 0 && s <= 1)) {
                throw new BadInputException("--sparsity must lie in 0..1, not " + s);
            }
        }
        try (OutputPaths paths = session.paths().file("--csv", csv).check()) {
            session.checkSelection(select);
            return prune();
        }
    }

    private int prune() {
        PrintWriter out = spec.commandLine().getOut();
        List<String[]> rows = new ArrayList<>();
        try (WhatIfSession w = session.open(spec.commandLine().getErr())) {
            List<MatrixRef> refs = selection(select, w.layerCount());
            Outcome base = w.baseline();
            out.println(w.modelLabel() + " on " + w.examples() + " examples: " + base.primaryMetric() + " "
                    + f4(base.primary()) + " unpruned; pruning " + refs.size() + " matri"
                    + (refs.size() == 1 ? "x" : "ces") + " (" + Selection.format(refs) + "), "
                    + pruning.method.name().toLowerCase(Locale.ROOT));
            rows.add(new String[] {"sparsity", base.primaryMetric(), "delta", "zeroed", "entries", "seconds"});
            for (double s : sparsities) {
                Outcome o = guarded(() -> w.evaluate(List.of(new Edit.Prune(refs, s, pruning.method, pruning.seed)),
                        Progress.NONE));
                rows.add(new String[] {Double.toString(s), f4(o.primary()), signed(o.delta()),
                        Long.toString(o.zeroed()), Long.toString(o.entries()), seconds(o.nanos())});
            }
        }
        out.print(table(rows));
        writeRows(csv, rows, out);
        return 0;
    }
}
