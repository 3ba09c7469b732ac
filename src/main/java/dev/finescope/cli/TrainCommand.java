package dev.finescope.cli;

import dev.finescope.run.DataSpec;
import dev.finescope.run.Device;
import dev.finescope.run.EventLog;
import dev.finescope.run.HyperParameters;
import dev.finescope.run.PlanSource;
import dev.finescope.run.RunEvent;
import dev.finescope.run.RunException;
import dev.finescope.run.RunFolder;
import dev.finescope.run.RunSpec;
import dev.finescope.train.CheckpointCadence;
import dev.finescope.train.Trainer;
import dev.finescope.train.TrainingRun;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code finescope train}: fine-tunes a base model under a plan, from a run spec ({@code --spec}, what the app
 * launches) or from flags, which override the spec's values. Everything is checked before training starts; a
 * problem is one line and exit code 2. The run folder gets the spec, events, log, overlay and metrics, and on the
 * way a checkpoint ({@code checkpoint.safetensors}: every 200 steps and every 10 minutes by default).
 *
 * <p>Signals: SIGINT (Ctrl-C, and the app's cancel) cancels: the current step ends, a {@code cancelled} event is
 * written and the folder is left consistent before the process exits (130). SIGTERM and SIGUSR1 (a scheduler
 * taking the machine back) interrupt: the current step ends, a checkpoint is saved, an {@code interrupted} event is
 * written and the process exits with {@value #INTERRUPTED}; {@code finescope train --resume RUN_FOLDER} then goes
 * on from the checkpoint, and ends bit for bit as the run would have without the break (on the same device). A
 * run killed outright (SIGKILL, a crash) resumes the same way from its last checkpoint.
 *
 * <p>Exit codes: 0 finished, 1 the run failed, 2 bad input, {@value #INTERRUPTED} interrupted with a checkpoint
 * (EX_TEMPFAIL of sysexits.h: try again), 130 cancelled.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Fine-tune a base model under a plan and write a run folder (spec.json, events.jsonl, log.txt, "
                + "checkpoint.safetensors on the way, overlay.safetensors, metrics.json).",
            "With --spec, flags override the spec's values; without it, --base, --data, --task (or the column "
                + "options) and --out are needed. --resume goes on with a stopped run from its checkpoint.",
            "SIGTERM or SIGUSR1: save a checkpoint and exit " + TrainCommand.INTERRUPTED + "; SIGINT (Ctrl-C): "
                + "cancel and exit 130."})
final class TrainCommand implements Callable<Integer> {

    /** The exit code of a run interrupted by SIGTERM or SIGUSR1 after saving its checkpoint (EX_TEMPFAIL). */
    static final int INTERRUPTED = 75;
    /** The exit code of a cancelled run (SIGINT). */
    static final int CANCELLED = 130;

    /** How long a signal waits for the current step to end and the folder to be closed. */
    static final long CANCEL_WAIT_SECONDS = 25;
    private static final String THREADS_PROPERTY = "ai.djl.pytorch.num_threads";
    private static final String CUDA_LOG_PROPERTY = "org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils";

    @Spec
    private CommandSpec spec;

    @OutputPaths.Reads
    @Option(names = "--spec", paramLabel = "FILE", description = "A run spec (JSON) as the app writes it.")
    private Path specFile;

    @OutputPaths.Reads
    @Option(names = "--base", paramLabel = "PATH", description = "The pre-trained model folder.")
    private Path base;

    @OutputPaths.Reads
    @Option(names = "--data", paramLabel = "PATH",
            description = "A GLUE folder (or the task's folder), or with --text-column a folder holding train.* and "
                    + "dev.* (.csv, .tsv, .jsonl).")
    private Path data;

    @Option(names = "--task", paramLabel = "NAME",
            description = "The GLUE task: CoLA, SST-2, MRPC, STS-B, QQP, MNLI, QNLI, RTE, WNLI.")
    private String task;

    @Option(names = "--text-column", paramLabel = "NAME", description = "Your own data: the text column.")
    private String textColumn;

    @Option(names = "--pair-column", paramLabel = "NAME",
            description = "Your own data: the second text of a pair.")
    private String pairColumn;

    @Option(names = "--label-column", paramLabel = "NAME",
            description = "Your own data: the label column (default: label).")
    private String labelColumn;

    @OutputPaths.Reads
    @Option(names = "--plan", paramLabel = "FILE|PRESET",
            description = "A plan file, or a preset: " + PlanChoice.PRESETS + " (default without a spec: full).")
    private String plan;

    @Option(names = "--epochs", paramLabel = "N", description = "Passes over the training data (default 3).")
    private Integer epochs;

    @Option(names = "--lr", paramLabel = "RATE", description = "Peak learning rate of weights (default 2e-5).")
    private Double learningRate;

    @Option(names = "--score-lr", paramLabel = "RATE",
            description = "Peak learning rate of mask scores (default 1e-2).")
    private Double scoreLearningRate;

    @Option(names = "--batch-size", paramLabel = "N", description = "Examples per step (default 32).")
    private Integer batchSize;

    @Option(names = "--max-len", paramLabel = "N", description = "Tokens per example at most (default 128).")
    private Integer maxLength;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of shuffling, dropout and the head (default 42).")
    private Long seed;

    @Option(names = "--eval-every", paramLabel = "N",
            description = "Evaluate on dev every N steps (default 0: after each epoch); always at the end.")
    private Integer evalEvery;

    @Option(names = "--max-steps", paramLabel = "N", description = "Stop after N steps (default 0: no limit).")
    private Integer maxSteps;

    @Option(names = "--device", paramLabel = "auto|cpu|gpu",
            description = "Where to train (default auto: the GPU when DJL sees one, else all CPU cores).")
    private String device;

    @OutputPaths.Writes
    @Option(names = "--out", paramLabel = "DIR", description = "The run folder to write: new or empty.")
    private Path out;

    @Option(names = "--events", paramLabel = "stdout",
            description = "stdout: also stream the events as JSON lines on standard output (nothing else goes "
                    + "there); the log goes to standard error.")
    private String events;

    @OutputPaths.Writes
    @Option(names = "--resume", paramLabel = "RUN_FOLDER",
            description = "Go on with the stopped run in RUN_FOLDER (interrupted, killed or crashed) from its last "
                    + "checkpoint, as its spec.json says; its events after the checkpoint are removed.")
    private Path resume;

    @Option(names = "--checkpoint-every", paramLabel = "N",
            description = "Save a checkpoint every N steps (default 200; 0: not by steps).")
    private Long checkpointEvery;

    @Option(names = "--checkpoint-minutes", paramLabel = "M",
            description = "Save a checkpoint whenever M minutes have passed since the last (default 10; 0: not by "
                    + "time).")
    private Double checkpointMinutes;

    @Option(names = "--debug", description = "Show the stack trace of a failure.")
    private boolean debug;

    @Override
    public Integer call() {
        boolean eventsToStdout = false;
        if (events != null) {
            if (!events.equalsIgnoreCase("stdout")) {
                throw new BadInputException("--events takes 'stdout', not '" + events + "'");
            }
            eventsToStdout = true;
        }
        CheckpointCadence cadence = cadence();
        if (resume != null) {
            return resume(eventsToStdout, cadence);
        }
        RunSpec runSpec = buildSpec();
        boolean prepared = isPreparedFor(runSpec.output(), runSpec);
        try (OutputPaths paths = OutputPaths.of().input("run spec", prepared ? null : specFile)
                .input("base model", runSpec.base()).input("data file", runSpec.data().path())
                .input("plan file", runSpec.plan().file())
                .folder("--out", runSpec.output(), dir -> isPreparedFor(dir, runSpec)).check()) {
            return train(runSpec, eventsToStdout, cadence);
        }
    }

    private CheckpointCadence cadence() {
        long steps = checkpointEvery == null ? CheckpointCadence.DEFAULT.everySteps() : checkpointEvery;
        if (steps < 0) {
            throw new BadInputException("--checkpoint-every takes a number of steps, 0 or more, not " + steps);
        }
        Duration every = CheckpointCadence.DEFAULT.every();
        if (checkpointMinutes != null) {
            if (!(checkpointMinutes >= 0) || checkpointMinutes > 1e6) {
                throw new BadInputException("--checkpoint-minutes takes minutes, 0 or more, not " + checkpointMinutes);
            }
            every = Duration.ofMillis(Math.round(checkpointMinutes * 60_000));
        }
        return new CheckpointCadence(steps, every);
    }

    /** {@code --resume}: the folder's own spec, none of the flags that make one. */
    private int resume(boolean eventsToStdout, CheckpointCadence cadence) {
        List<String> given = new ArrayList<>();
        Object[][] specFlags = {{"--spec", specFile}, {"--base", base}, {"--data", data}, {"--task", task},
            {"--text-column", textColumn}, {"--pair-column", pairColumn}, {"--label-column", labelColumn},
            {"--plan", plan}, {"--epochs", epochs}, {"--lr", learningRate}, {"--score-lr", scoreLearningRate},
            {"--batch-size", batchSize}, {"--max-len", maxLength}, {"--seed", seed}, {"--eval-every", evalEvery},
            {"--max-steps", maxSteps}, {"--device", device}, {"--out", out}};
        for (Object[] f : specFlags) {
            if (f[1] != null) {
                given.add((String) f[0]);
            }
        }
        if (!given.isEmpty()) {
            throw new BadInputException(resume + ": a resumed run goes on as its " + RunFolder.SPEC_FILE
                    + " says; leave out " + String.join(", ", given));
        }
        RunSpec runSpec;
        try {
            runSpec = RunFolder.open(resume).spec();
        } catch (RunException e) {
            throw new BadInputException(e.getMessage(), e);
        }
        try (OutputPaths paths = OutputPaths.of().input("base model", runSpec.base())
                .input("data file", runSpec.data().path()).input("plan file", runSpec.plan().file())
                .folder("--resume", resume, dir -> true).check()) {
            useAllCores();
            TrainingRun run;
            try {
                run = TrainingRun.prepareResume(resume);
            } catch (RunException e) {
                throw new BadInputException(e.getMessage(), e);
            }
            return go(run, eventsToStdout, cadence);
        }
    }

    /**
     * Whether {@code folder} is the run folder the app prepared for this very spec: it holds only the spec (and
     * the record of the process that runs it), written exactly as this run would write it, so going on in it
     * replaces nothing.
     */
    static boolean isPreparedFor(Path folder, RunSpec runSpec) {
        return RunFolder.isPreparedFor(folder, runSpec);
    }

    private int train(RunSpec runSpec, boolean eventsToStdout, CheckpointCadence cadence) {
        useAllCores();
        TrainingRun run;
        try {
            run = TrainingRun.prepare(runSpec);
        } catch (RunException e) {
            reportToPreparedFolder(runSpec, e.getMessage(),
                    eventsToStdout ? new WriterStream(spec.commandLine().getOut()) : null);
            throw new BadInputException(e.getMessage(), e);
        }
        return go(run, eventsToStdout, cadence);
    }

    /** Trains a prepared run, new or resumed, with Ctrl-C to cancel and SIGTERM or SIGUSR1 to interrupt. */
    private int go(TrainingRun run, boolean eventsToStdout, CheckpointCadence cadence) {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        OutputStream eventMirror = eventsToStdout ? new WriterStream(stdout) : null;
        // the failure is told, and the run closed, before a Ctrl-C lets the JVM end
        TrainingRun.Result result = CtrlC.cancellable("finescope-cancel", CANCEL_WAIT_SECONDS, cancelled -> {
            try (run; InterruptSignals interrupt = InterruptSignals.install()) {
                interrupt.problems().forEach(p -> stderr.println("finescope: " + p));
                return run.runInFolder(eventMirror, stderr::println, new Trainer.Control(cancelled, interrupt,
                        cadence, System::nanoTime));
            } catch (RuntimeException e) {
                stderr.println("finescope: the run failed: " + FineScopeCommand.oneLine(e.getMessage() == null
                        ? e.toString() : e.getMessage()));
                if (debug) {
                    e.printStackTrace(stderr);
                }
                return null;
            } finally {
                stderr.flush();
            }
        });
        if (result == null) {
            return FineScopeCommand.INTERNAL_ERROR;
        }
        if (result.status() == TrainingRun.Status.CANCELLED) {
            return CANCELLED;
        }
        if (result.status() == TrainingRun.Status.INTERRUPTED) {
            if (!eventsToStdout) {
                stdout.println("interrupted after " + result.steps() + " steps; go on with: finescope train --resume "
                        + run.spec().output());
            }
            return INTERRUPTED;
        }
        if (!eventsToStdout) {
            stdout.println("finished after " + result.steps() + " steps: " + (result.metrics().isEmpty()
                    ? "no metrics (the closing evaluation was cancelled)"
                    : dev.finescope.train.Trainer.describe(result.metrics())));
            stdout.println("overlay: " + result.overlay().map(Path::toString).orElse("(none)"));
        }
        return 0;
    }

    /** The spec from --spec with the flags on top, or from the flags alone. */
    RunSpec buildSpec() {
        RunSpec base0 = null;
        if (specFile != null) {
            try {
                base0 = RunSpec.read(specFile);
            } catch (RunException e) {
                throw new BadInputException(e.getMessage(), e);
            }
        }
        Path basePath = base != null ? base : base0 == null ? null : base0.base();
        if (basePath == null) {
            throw new BadInputException("no base model: give --base or a --spec");
        }
        DataSpec dataSpec = dataSpec(base0 == null ? null : base0.data());
        PlanSource planSource = plan != null ? PlanChoice.resolve(plan, basePath)
                : base0 != null ? base0.plan() : PlanChoice.resolve("full", basePath);
        HyperParameters.Builder h = (base0 == null ? HyperParameters.DEFAULTS : base0.hyperParameters()).toBuilder();
        if (epochs != null) {
            h.epochs(epochs);
        }
        if (learningRate != null) {
            h.learningRate(learningRate);
        }
        if (scoreLearningRate != null) {
            h.scoreLearningRate(scoreLearningRate);
        }
        if (batchSize != null) {
            h.batchSize(batchSize);
        }
        if (maxLength != null) {
            h.maxLength(maxLength);
        }
        if (seed != null) {
            h.seed(seed);
        }
        if (evalEvery != null) {
            h.evalEverySteps(evalEvery);
        }
        if (maxSteps != null) {
            h.maxSteps(maxSteps);
        }
        Device d;
        try {
            d = device != null ? Device.fromJsonName(device) : base0 != null ? base0.device() : Device.AUTO;
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--device: " + e.getMessage());
        }
        Path output = out != null ? out : base0 == null ? null : base0.output();
        if (output == null) {
            throw new BadInputException("no run folder: give --out or a --spec");
        }
        String name = base0 != null ? base0.name() : "";
        return new RunSpec(name, basePath, dataSpec, planSource, h.build(), d, output);
    }

    private DataSpec dataSpec(DataSpec fromSpec) {
        Path path = data != null ? data : fromSpec == null ? null : fromSpec.path();
        if (path == null) {
            throw new BadInputException("no task data: give --data or a --spec");
        }
        String text = textColumn != null ? textColumn : fromSpec == null ? null : fromSpec.textColumn();
        String pair = pairColumn != null ? pairColumn : fromSpec == null ? null : fromSpec.textPairColumn();
        String label = labelColumn != null ? labelColumn : fromSpec == null ? null : fromSpec.labelColumn();
        String t = task != null ? task : fromSpec == null ? null : fromSpec.task();
        if (text == null) {
            if (pair != null || label != null) {
                throw new BadInputException("--pair-column and --label-column need --text-column");
            }
            if (t == null) {
                throw new BadInputException("no task: give --task (GLUE data) or --text-column (your own files)");
            }
            return DataSpec.glue(path, t);
        }
        DataSpec own = DataSpec.file(path, text, pair, label == null ? "label" : label);
        return t == null ? own : own.withTask(t);
    }

    /**
     * Lets PyTorch use every core for one run, unless the JVM was told otherwise (the tests run it on one thread).
     * Must happen before the engine starts.
     */
    static void useAllCores() {
        if (System.getProperty(THREADS_PROPERTY) == null) {
            System.setProperty(THREADS_PROPERTY, Integer.toString(Runtime.getRuntime().availableProcessors()));
        }
        // DJL warns on every start of a machine without a usable CUDA driver; the device is in the events
        if (System.getProperty(CUDA_LOG_PROPERTY) == null) {
            System.setProperty(CUDA_LOG_PROPERTY, "error");
        }
    }

    /**
     * A folder the app prepared (spec.json, no events yet) learns why its run did not start, so the app shows the
     * reason rather than an exit code.
     */
    private static void reportToPreparedFolder(RunSpec runSpec, String reason, OutputStream mirror) {
        Path dir = runSpec.output().toAbsolutePath();
        if (!Files.isRegularFile(dir.resolve(RunFolder.SPEC_FILE))
                || Files.exists(dir.resolve(RunFolder.EVENTS_FILE))) {
            return;
        }
        try (EventLog log = EventLog.open(dir.resolve(RunFolder.EVENTS_FILE), mirror)) {
            log.append(new RunEvent.Failed(Instant.now(), reason));
        } catch (RunException e) {
            // the one-line problem on standard error still says it
        }
    }

    /** Lets {@link EventLog} mirror whole lines to the command's standard output writer. */
    private static final class WriterStream extends OutputStream {
        private final PrintWriter writer;
        private final java.io.ByteArrayOutputStream pending = new java.io.ByteArrayOutputStream();

        WriterStream(PrintWriter writer) {
            this.writer = writer;
        }

        @Override
        public void write(int b) {
            pending.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            pending.write(b, off, len);
        }

        @Override
        public void flush() {
            writer.write(pending.toString(StandardCharsets.UTF_8));
            writer.flush();
            pending.reset();
        }
    }
}
