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
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code finescope whatif revert}: the chosen matrices (or whole layers) set back to the base, evaluated. */
@Command(name = "revert", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Set the chosen matrices (weight and bias) back to the base's values and evaluate."})
final class WhatIfRevert implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    WhatIfSessionOptions session;

    @Option(names = "--select", required = true, paramLabel = "TEXT",
            description = "Matrices: all, layer:3, layers:2-4, column:FFN-in, 3:V,4:FFN-out …")
    String select;

    @Option(names = "--whole-layers", description = "Revert every tensor of the selected matrices' layers, "
            + "LayerNorms included.")
    boolean wholeLayers;

    @OutputPaths.Writes
    @Option(names = "--csv", paramLabel = "FILE", description = "Write the result as one row.")
    Path csv;

    @Override
    public Integer call() {
        try (OutputPaths paths = session.paths().file("--csv", csv).check()) {
            session.checkSelection(select);
            return revert();
        }
    }

    private int revert() {
        PrintWriter out = spec.commandLine().getOut();
        List<String[]> rows = new ArrayList<>();
        try (WhatIfSession w = session.open(spec.commandLine().getErr())) {
            List<MatrixRef> refs = selection(select, w.layerCount());
            Edit edit = wholeLayers
                    ? new Edit.RevertLayers(refs.stream().map(MatrixRef::layer).distinct().toList())
                    : new Edit.Revert(refs);
            Outcome o = guarded(() -> w.evaluate(List.of(edit), Progress.NONE));
            rows.add(new String[] {"reverted", o.primaryMetric(), "unedited", "delta", "seconds"});
            String what = wholeLayers ? "layers " + ((Edit.RevertLayers) edit).layers() : Selection.format(refs);
            rows.add(new String[] {what, f4(o.primary()), f4(o.baseline()), signed(o.delta()),
                    seconds(o.nanos())});
            out.println(w.modelLabel() + " on " + w.examples() + " examples, set back to its base:");
        }
        out.print(table(rows));
        writeRows(csv, rows, out);
        return 0;
    }
}
