package dev.finescope.cli;

import static dev.finescope.cli.WhatIfCommand.cancellable;
import static dev.finescope.cli.WhatIfCommand.f4;
import static dev.finescope.cli.WhatIfCommand.guarded;
import static dev.finescope.cli.WhatIfCommand.table;

import dev.finescope.cli.WhatIfCommand.CkaProgress;
import dev.finescope.common.AtomicFiles;
import dev.finescope.whatif.RepresentationCka;
import dev.finescope.whatif.SessionSpec;
import dev.finescope.whatif.WhatIfSession;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code finescope whatif cka}: per-layer linear CKA between two models' hidden states on a task's data. */
@Command(name = "cka", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Per-layer linear CKA between two models' hidden states on the same sentences, on [CLS] "
                + "and on mean-pooled tokens, beside the layer's relative L2 weight distance: where the "
                + "representations moved, and where the weights did."})
final class WhatIfCka implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @OutputPaths.Reads
    @Option(names = "--model", required = true, paramLabel = "PATH",
            description = "A model folder, or an overlay (opened on the base it names).")
    Path model;

    @OutputPaths.Reads
    @Option(names = "--against", paramLabel = "PATH",
            description = "The second model (folder or overlay); default: the first model's own base.")
    Path against;

    @OutputPaths.Reads
    @Option(names = "--data", required = true, paramLabel = "PATH",
            description = "A GLUE folder, the task's folder, or one CSV/TSV/JSONL file in the task's layout.")
    Path data;

    @Option(names = "--task", defaultValue = "SST-2", paramLabel = "NAME",
            description = "GLUE task of the data (default: ${DEFAULT-VALUE}).")
    String task;

    @Option(names = "--split", defaultValue = "dev", paramLabel = "NAME",
            description = "Split to read the sentences from (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--max-examples", defaultValue = "256", paramLabel = "N",
            description = "The first N sentences of the split, in file order (default: ${DEFAULT-VALUE}).")
    int maxExamples;

    @Option(names = "--max-len", defaultValue = "128", paramLabel = "N",
            description = "Tokens per sentence at most (default: ${DEFAULT-VALUE}).")
    int maxLength;

    @OutputPaths.Writes
    @Option(names = "--csv", paramLabel = "FILE", description = "One row per layer.")
    Path csv;

    @Option(names = "--debug", description = "Show the stack trace of a failure.")
    boolean debug;

    @Override
    public Integer call() {
        if (maxExamples < 2 || maxLength < 2) {
            throw new BadInputException("--max-examples and --max-len must be at least 2");
        }
        for (Path p : new Path[] {model, against, data}) {
            if (p != null && !Files.exists(p)) {
                throw new BadInputException(p + ": does not exist");
            }
        }
        OutputPaths paths = OutputPaths.of().input("model", model).input("second model", against)
                .input("data file", data)
                .inputs("model", guarded(() -> WhatIfSession.preview(SessionSpec.of(model, null, data, task)))
                        .reads());
        if (against != null) {
            paths = paths.inputs("second model", guarded(() -> WhatIfSession.preview(
                    SessionSpec.of(against, null, data, task))).reads());
        }
        try (OutputPaths checked = paths.file("--csv", csv).check()) {
            return compare(spec.commandLine().getOut(), spec.commandLine().getErr());
        }
    }

    private int compare(PrintWriter out, PrintWriter err) {
        TrainCommand.useAllCores();
        RepresentationCka.Spec s = guarded(() -> new RepresentationCka.Spec(model, against, data, task, split,
                maxExamples, maxLength));
        RepresentationCka.Result r;
        try {
            r = cancellable(cancel -> guarded(() -> RepresentationCka.compute(s, new CkaProgress(err, cancel))));
        } catch (java.util.concurrent.CancellationException e) {
            err.println("finescope: stopped");
            return 130;
        }
        out.println(r.first() + " against " + r.second() + ": linear CKA on " + r.examples() + " sentences"
                + (r.fromCache() ? " (from the cache)" : ""));
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"layer", "cka [CLS]", "cka mean", "weight rel. L2"});
        for (RepresentationCka.Layer l : r.layers()) {
            rows.add(new String[] {l.layer() == 0 ? "0 (embeddings)" : Integer.toString(l.layer()),
                    f4(l.ckaCls()), f4(l.ckaMean()), f4(l.weightDistance())});
        }
        out.print(table(rows));
        out.println("layer i = output of encoder layer i; weight rel. L2 = ||A - B|| / ||B|| over the layer's "
                + "matrices (layer 0: the embedding matrices)");
        if (csv != null) {
            StringBuilder text = new StringBuilder("layer,cka_cls,cka_mean,weight_rel_l2\n");
            for (RepresentationCka.Layer l : r.layers()) {
                text.append(l.layer()).append(',').append(csvNumber(l.ckaCls())).append(',')
                        .append(csvNumber(l.ckaMean())).append(',').append(csvNumber(l.weightDistance()))
                        .append('\n');
            }
            guarded(() -> {
                try {
                    dev.finescope.common.AtomicFiles.write(csv,
                            text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                } catch (java.io.IOException e) {
                    throw new UncheckedIOException(csv + ": cannot be written (" + e.getMessage() + ")", e);
                }
                return null;
            });
            out.println("wrote " + csv);
        }
        return 0;
    }

    private static String csvNumber(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6f", v);
    }
}
