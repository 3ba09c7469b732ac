package dev.finescope.cli;

import static dev.finescope.cli.WhatIfCommand.column;

import dev.finescope.checkpoint.GridColumn;
import dev.finescope.whatif.PruneMethod;
import dev.finescope.whatif.SweepSpec;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The grid of a sweep or an estimate (granularity, columns, sparsities): a picocli mixin. */
final class WhatIfGridOptions {

    @Option(names = "--granularity", defaultValue = "cell", paramLabel = "cell|row",
            description = "One point per matrix, or per layer with its matrices pruned together "
                    + "(default ${DEFAULT-VALUE}).")
    SweepSpec.Granularity granularity;

    @Option(names = "--columns", split = ",", paramLabel = "NAME",
            description = "Matrix columns (default: Q,K,V,AttnOut,FFN-in,FFN-out).")
    List<String> columns;

    @Option(names = "--sparsity", split = ",", paramLabel = "S",
            description = "Sparsities (default: 0.1,0.3,0.5,0.7,0.9).")
    List<Double> sparsities;

    /** The sweep these options and the pruning's method and seed ask for; one line naming the bad value. */
    SweepSpec spec(PruneMethod method, long seed) {
        SweepSpec d = SweepSpec.defaults();
        List<GridColumn> cols = d.columns();
        if (columns != null) {
            cols = new ArrayList<>();
            for (String c : columns) {
                cols.add(column(c));
            }
        }
        double[] s = sparsities == null ? d.sparsities()
                : sparsities.stream().mapToDouble(Double::doubleValue).toArray();
        try {
            return new SweepSpec(granularity, cols, s, method, seed);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage(), e);
        }
    }
}
