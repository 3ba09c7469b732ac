package dev.finescope.cli;

import static dev.finescope.cli.WhatIfCommand.guarded;
import static dev.finescope.cli.WhatIfCommand.selection;
import static dev.finescope.cli.WhatIfCommand.sessionInputs;

import dev.finescope.cli.WhatIfCommand.ProgressLine;
import dev.finescope.whatif.SessionSpec;
import dev.finescope.whatif.WhatIfSession;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The model, data and evaluation settings every {@code whatif} experiment needs: a picocli mixin. */
final class WhatIfSessionOptions {

    @OutputPaths.Reads
    @Option(names = "--model", required = true, paramLabel = "PATH",
            description = "A model folder with a classifier.* head, or a run's overlay (opened on its base).")
    Path model;

    @OutputPaths.Reads
    @Option(names = "--base", paramLabel = "PATH",
            description = "The pre-trained model to revert to (default: the overlay's base); builtin:NAME for a "
                    + "built-in model.")
    Path base;

    @OutputPaths.Reads
    @Option(names = "--data", required = true, paramLabel = "PATH",
            description = "A GLUE folder, the task's folder, or one labelled file in the task's layout.")
    Path data;

    @Option(names = "--task", required = true, paramLabel = "NAME",
            description = "The GLUE task: CoLA, SST-2, MRPC, STS-B, QQP, MNLI, QNLI, RTE, WNLI.")
    String task;

    @Option(names = "--split", defaultValue = "dev", paramLabel = "NAME",
            description = "dev (default), train, test (if labelled) or a file's name such as dev_mismatched.")
    String split;

    @Option(names = "--batch-size", defaultValue = "32", paramLabel = "N",
            description = "Examples per forward pass (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--max-len", defaultValue = "128", paramLabel = "N",
            description = "Tokens per example at most (default ${DEFAULT-VALUE}).")
    int maxLength;

    @Option(names = "--max-examples", defaultValue = "0", paramLabel = "N",
            description = "Only the first N examples (default: all).")
    int maxExamples;

    @Option(names = "--no-cache", description = "Recompute every layer for every evaluation (for comparison).")
    boolean noCache;

    @Option(names = "--debug", description = "Show the stack trace of a failure.")
    boolean debug;

    SessionSpec spec() {
        if (batchSize < 1 || maxLength < 2 || maxExamples < 0) {
            throw new BadInputException("--batch-size must be at least 1, --max-len at least 2, --max-examples "
                    + "at least 0");
        }
        return new SessionSpec(model, base, data, task, split, batchSize, maxLength, maxExamples, !noCache);
    }

    private WhatIfSession.Preview preview;

    /**
     * The inputs, for {@link OutputPaths}: each must exist; the model's own files and an overlay's base (found
     * from the overlay) count too.
     */
    OutputPaths paths() {
        OutputPaths paths = sessionInputs(this);
        preview = guarded(() -> WhatIfSession.preview(spec()));
        return paths.inputs("model", preview.reads());
    }

    /** Checks a selection against the model's layers before anything is evaluated (after {@link #paths()}). */
    void checkSelection(String select) {
        if (preview != null && preview.layers() > 0) {
            selection(select, preview.layers());
        }
    }

    WhatIfSession open(PrintWriter err) {
        TrainCommand.useAllCores();
        SessionSpec s = spec();
        return guarded(() -> WhatIfSession.open(s, new ProgressLine(err)));
    }
}
