package dev.finescope.cli;

import dev.finescope.chart.ChartExport;
import dev.finescope.chart.CurveChart;
import dev.finescope.chart.GridData;
import dev.finescope.chart.HeatmapChart;
import dev.finescope.checkpoint.CheckpointException;
import dev.finescope.checkpoint.GridColumn;
import dev.finescope.train.data.DataException;
import dev.finescope.whatif.Cancel;
import dev.finescope.whatif.Edit;
import dev.finescope.whatif.MaskComparison;
import dev.finescope.whatif.MatrixRef;
import dev.finescope.whatif.Outcome;
import dev.finescope.whatif.PruneMethod;
import dev.finescope.whatif.RepresentationCka;
import dev.finescope.whatif.Selection;
import dev.finescope.whatif.SensitivitySweep;
import dev.finescope.whatif.SessionSpec;
import dev.finescope.whatif.SweepPoint;
import dev.finescope.whatif.SweepResult;
import dev.finescope.whatif.SweepSpec;
import dev.finescope.whatif.WhatIfSession;
import java.awt.Dimension;
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
import org.jfree.chart.JFreeChart;
import org.jfree.data.Range;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code finescope whatif}: questions answered without training. What does the model lose if these matrices are
 * pruned, or set back to their pre-trained values? Which matrices and layers does the task depend on (a sweep)?
 * Are two learned masks the same solution? Each prints a table and writes CSV and charts on request, as the app's
 * What-if view does.
 */
@Command(name = "whatif", mixinStandardHelpOptions = true,
        subcommands = {WhatIfCommand.Prune.class, WhatIfCommand.Revert.class, WhatIfCommand.Sweep.class,
            WhatIfCommand.RevertLayers.class, WhatIfCommand.Masks.class, WhatIfCommand.Cka.class},
        description = {"Prune, revert, sweep sensitivity and compare masks of a model with a task head, "
                + "evaluated on a task's labelled data. No training."})
final class WhatIfCommand {

    /** Seconds a Ctrl-C waits for the running evaluation to stop, so that the CSV ends on a whole point. */
    private static final int CANCEL_WAIT_SECONDS = 30;

    /** How matrices are pruned, for prune and sweep. */
    static final class PruneOptions {

        @Option(names = "--method", defaultValue = "magnitude", paramLabel = "magnitude|random",
                description = "Smallest |w| first, or a seeded random choice (default ${DEFAULT-VALUE}).")
        PruneMethod method;

        @Option(names = "--seed", defaultValue = "42", paramLabel = "N", description = "Seed of random pruning.")
        long seed;
    }

    /** The model, data and evaluation settings every experiment needs. */
    static final class SessionOptions {

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

    /** Prints the opening's progress at most once per step of a quarter. */
    private static final class ProgressLine implements java.util.function.BiConsumer<Double, String> {
        private final PrintWriter err;
        private int lastQuarter = -1;

        ProgressLine(PrintWriter err) {
            this.err = err;
        }

        @Override
        public void accept(Double share, String message) {
            int quarter = (int) Math.floor(share * 4);
            if (quarter != lastQuarter) {
                lastQuarter = quarter;
                err.println(message);
                err.flush();
            }
        }
    }

    private WhatIfCommand() {
    }

    // ------------------------------------------------------------------------------------------------ prune

    @Command(name = "prune", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Zero the smallest (or random) share of the chosen matrices and evaluate; one row per "
                    + "sparsity, against the unpruned model."})
    static final class Prune implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        SessionOptions session;

        @Option(names = "--select", defaultValue = "all", paramLabel = "TEXT",
                description = "Matrices: all, layer:3, layers:2-4, column:FFN-in, 3:V,4:FFN-out … "
                        + "(default ${DEFAULT-VALUE}).")
        String select;

        @Option(names = "--sparsity", required = true, split = ",", paramLabel = "S",
                description = "Share(s) of zeros per matrix, 0..1, comma-separated (0.3 or 0.1,0.5,0.9).")
        List<Double> sparsities;

        @Mixin
        PruneOptions pruning;

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
                            Cancel.NEVER));
                    rows.add(new String[] {Double.toString(s), f4(o.primary()), signed(o.delta()),
                            Long.toString(o.zeroed()), Long.toString(o.entries()), seconds(o.nanos())});
                }
            }
            out.print(table(rows));
            writeRows(csv, rows, out);
            return 0;
        }
    }

    // ------------------------------------------------------------------------------------------------ revert

    @Command(name = "revert", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Set the chosen matrices (weight and bias) back to the base's values and evaluate."})
    static final class Revert implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        SessionOptions session;

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
                Outcome o = guarded(() -> w.evaluate(List.of(edit), Cancel.NEVER));
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

    // ------------------------------------------------------------------------------------------------ sweep

    @Command(name = "sweep", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Prune every matrix (or every layer's matrices together) alone at several sparsities: "
                    + "which parts the task depends on. Ctrl-C stops after the running evaluation; --resume goes on "
                    + "from the CSV."})
    static final class Sweep implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        SessionOptions session;

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

        @Mixin
        PruneOptions pruning;

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
            SweepSpec sweep = sweepSpec();
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

        private SweepSpec sweepSpec() {
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
                return new SweepSpec(granularity, cols, s, pruning.method, pruning.seed);
            } catch (IllegalArgumentException e) {
                throw new BadInputException(e.getMessage(), e);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ revert-layers

    @Command(name = "revert-layers", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Set each layer back to its pre-trained values, one at a time: which layers' fine-tuning "
                    + "carries the task."})
    static final class RevertLayers implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Mixin
        SessionOptions session;

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

    // ------------------------------------------------------------------------------------------------ masks

    @Command(name = "masks", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Compare the learned masks of several runs: share of differing bits (Hamming) and overlap "
                    + "of the zero sets (Jaccard), overall and per matrix, beside each run's accuracy."})
    static final class Masks implements Callable<Integer> {

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

    // ------------------------------------------------------------------------------------------------ cka

    @Command(name = "cka", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Per-layer linear CKA between two models' hidden states on the same sentences, on [CLS] "
                    + "and on mean-pooled tokens, beside the layer's relative L2 weight distance: where the "
                    + "representations moved, and where the weights did."})
    static final class Cka implements Callable<Integer> {

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
                        dev.finescope.checkpoint.AtomicFiles.write(csv,
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

    /** One line per quarter of the work on standard error; asks the work to stop after Ctrl-C. */
    private static final class CkaProgress implements dev.finescope.checkpoint.Progress {
        private final PrintWriter err;
        private final Cancel cancel;
        private int lastQuarter = -1;

        CkaProgress(PrintWriter err, Cancel cancel) {
            this.err = err;
            this.cancel = cancel;
        }

        @Override
        public synchronized void update(long done, long total, String what) {
            int quarter = total <= 0 ? 0 : (int) (done * 4 / total);
            if (quarter != lastQuarter) {
                lastQuarter = quarter;
                err.println(what);
                err.flush();
            }
        }

        @Override
        public boolean isCancelled() {
            return cancel.requested();
        }
    }

    // ------------------------------------------------------------------------------------------------ shared

    @FunctionalInterface
    interface Work<T> {
        T run();
    }

    /** Runs library code; its bad-input exceptions become one line naming the file, exit code 2. */
    static <T> T guarded(Work<T> work) {
        try {
            return work.run();
        } catch (CheckpointException | DataException e) {
            throw new BadInputException(e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw new BadInputException(e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage(), e);
        }
    }

    @FunctionalInterface
    interface CancellableWork<T> {
        T run(Cancel cancel);
    }

    /** Runs {@code work} so that Ctrl-C asks it to stop and waits for it to end on a whole point. */
    static <T> T cancellable(CancellableWork<T> work) {
        return CtrlC.cancellable("finescope-whatif-cancel", CANCEL_WAIT_SECONDS,
                cancelled -> work.run(cancelled::getAsBoolean));
    }

    /** One line per tenth of a sweep on standard error. */
    private static final class SweepProgress implements dev.finescope.whatif.SweepListener {
        private final PrintWriter err;
        private int lastDecile = -1;

        SweepProgress(PrintWriter err) {
            this.err = err;
        }

        @Override
        public void point(SweepPoint point, int done, int total) {
            int decile = total == 0 ? 10 : done * 10 / total;
            if (decile != lastDecile) {
                lastDecile = decile;
                err.println(done + " of " + total + " points");
                err.flush();
            }
        }
    }

    static List<MatrixRef> selection(String text, int layers) {
        try {
            return Selection.parse(text, layers);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--select: " + e.getMessage(), e);
        }
    }

    static GridColumn column(String name) {
        GridColumn c;
        try {
            c = GridColumn.fromCsvName(name.strip());
        } catch (IllegalArgumentException e) {
            c = null;
        }
        if (c == null || !MatrixRef.matrixColumns().contains(c)) {
            throw new BadInputException("--columns: '" + name + "' is not a weight matrix; choose from Q, K, V, "
                    + "AttnOut, FFN-in, FFN-out");
        }
        return c;
    }

    /** The session's inputs, each of which must exist: the model, its base and the data. */
    static OutputPaths sessionInputs(SessionOptions session) {
        for (Path p : new Path[] {session.model, session.base, session.data}) {
            if (p != null && !Files.exists(p)) {
                throw new BadInputException(p + ": does not exist");
            }
        }
        return OutputPaths.of().input("model", session.model).input("base model", session.base)
                .input("data file", session.data);
    }

    /** The chart files of a sweep: a heatmap per sparsity, then the curves, for PNG then SVG. */
    static List<Path> chartFiles(Path png, Path svg, double[] sparsities) {
        List<Path> files = new ArrayList<>();
        for (Path p : new Path[] {png, svg}) {
            if (p == null) {
                continue;
            }
            String ext = p == png ? ".png" : ".svg";
            for (double s : sparsities) {
                files.add(sibling(p, Double.isNaN(s) ? "layers" : "s" + percentName(s), ext));
            }
            files.add(sibling(p, "curves", ext));
        }
        return files;
    }

    private static String percentName(double s) {
        double p = s * 100;
        return p == Math.rint(p) ? Long.toString(Math.round(p)) : Double.toString(p).replace('.', '_');
    }

    private static Path sibling(Path file, String suffix, String ext) {
        String name = file.getFileName().toString();
        String stem = name.toLowerCase(Locale.ROOT).endsWith(ext) ? name.substring(0, name.length() - ext.length())
                : name;
        return file.resolveSibling(stem + "-" + suffix + ext);
    }

    /** Heatmaps of the metric (linear colour scale, shared by all sparsities) and the curves per layer. */
    static void writeSweepCharts(SweepResult result, Path png, Path svg, PrintWriter out) {
        if (png == null && svg == null) {
            return;
        }
        double[] sparsities = result.spec().sparsities();
        List<GridData> grids = new ArrayList<>();
        for (double s : sparsities) {
            GridData g = result.grid(s);
            grids.add(sparsities.length == 1 ? g : new GridData(g.metricLabel(), g.baseLabel(), g.tunedLabel(),
                    g.cellNote() + " · one colour scale for all sparsities", g.columnLabels(), g.rows()));
        }
        Range range = HeatmapChart.range(HeatmapChart.Scale.LINEAR, grids);
        for (int i = 0; i < sparsities.length; i++) {
            JFreeChart chart = HeatmapChart.create(grids.get(i), HeatmapChart.Scale.LINEAR, range, false);
            String suffix = Double.isNaN(sparsities[i]) ? "layers" : "s" + percentName(sparsities[i]);
            writeChart(chart, png == null ? null : sibling(png, suffix, ".png"),
                    svg == null ? null : sibling(svg, suffix, ".svg"), HeatmapChart.preferredSize(grids.get(i)), out);
        }
        boolean revert = sparsities.length == 1 && Double.isNaN(sparsities[0]);
        CurveChart.Panel panel = new CurveChart.Panel(result.primaryMetric(), result.curvesPerLayer(), null);
        JFreeChart curves = CurveChart.create(result.primaryMetric() + " — " + result.modelLabel(),
                revert ? "each layer set back to pre-trained" : "unedited " + f4(result.baseline()),
                revert ? "layer reverted" : "sparsity of the pruned matrix (%)", List.of(panel));
        writeChart(curves, png == null ? null : sibling(png, "curves", ".png"),
                svg == null ? null : sibling(svg, "curves", ".svg"), new Dimension(900, 560), out);
    }

    private static void writeChart(JFreeChart chart, Path png, Path svg, Dimension size, PrintWriter out) {
        try {
            if (png != null) {
                ChartExport.png(chart, png, size.width, size.height, null);
                out.println("wrote " + png);
            }
            if (svg != null) {
                ChartExport.svg(chart, svg, size.width, size.height);
                out.println("wrote " + svg);
            }
        } catch (IOException e) {
            throw new BadInputException((png != null ? png : svg) + ": cannot write: " + e.getMessage(), e);
        }
    }

    /** The metric per sparsity on the layer × matrix grid, one table per sparsity. */
    static String gridTables(SweepResult r) {
        StringBuilder sb = new StringBuilder();
        for (double s : r.spec().sparsities()) {
            GridData g = r.grid(s);
            List<String[]> rows = new ArrayList<>();
            List<String> head = new ArrayList<>();
            head.add(r.primaryMetric() + " @ " + percentName(s) + " %");
            head.addAll(g.columnLabels());
            rows.add(head.toArray(String[]::new));
            for (GridData.Row row : g.rows()) {
                List<String> cells = new ArrayList<>();
                cells.add(row.label());
                for (GridData.Cell c : row.cells()) {
                    cells.add(c.present() ? f4(c.value()) : "·");
                }
                rows.add(cells.toArray(String[]::new));
            }
            sb.append(table(rows)).append('\n');
        }
        return sb.toString();
    }

    /** Writes table rows (the first is the header) as CSV, atomically. */
    static void writeRows(Path file, List<String[]> rows, PrintWriter out) {
        if (file == null) {
            return;
        }
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            sb.append(String.join(",", r)).append('\n');
        }
        try {
            ChartExport.writeAtomically(file, o -> o.write(sb.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new BadInputException(file + ": cannot write: " + e.getMessage(), e);
        }
        out.println("wrote " + file);
    }

    /** Left-aligned first column, right-aligned numbers, two spaces between. */
    static String table(List<String[]> rows) {
        int cols = rows.stream().mapToInt(r -> r.length).max().orElse(0);
        int[] width = new int[cols];
        for (String[] r : rows) {
            for (int c = 0; c < r.length; c++) {
                width[c] = Math.max(width[c], r[c].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < r.length; c++) {
                if (c > 0) {
                    line.append("  ");
                }
                String pad = " ".repeat(width[c] - r[c].length());
                line.append(c == 0 ? r[c] + pad : pad + r[c]);
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        return sb.toString();
    }

    static String f4(double v) {
        return Double.isNaN(v) ? "NaN" : String.format(Locale.ROOT, "%.4f", v);
    }

    static String signed(double v) {
        return Double.isNaN(v) ? "NaN" : String.format(Locale.ROOT, "%+.4f", v);
    }

    static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.2f", nanos / 1e9);
    }
}
