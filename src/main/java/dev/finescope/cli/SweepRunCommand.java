package dev.finescope.cli;

import dev.finescope.checkpoint.UserDirectories;
import dev.finescope.run.RunExit;
import dev.finescope.run.RunHandle;
import dev.finescope.run.RunLauncher;
import dev.finescope.run.RunStatus;
import dev.finescope.sweep.SweepFile;
import dev.finescope.sweep.SweepFolder;
import dev.finescope.sweep.SweepRun;
import dev.finescope.sweep.SweepRunner;
import dev.finescope.sweep.SweepStatus;
import dev.finescope.train.Trainer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code finescope sweep run}: trains what a sweep has not finished, each run as its own {@code finescope train}
 * process. Idempotent: a finished run is skipped, a stopped one resumed from its checkpoint, and a second
 * invocation on the same folder, at the same time or later, never trains a run twice.
 */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train the runs of a sweep that are not finished, N at a time, each in its own process: lays "
                + "the folder out from the sweep file first when needed, resumes interrupted or crashed runs from "
                + "their checkpoints (train --resume), skips finished ones. Safe to start again at any time, and "
                + "twice at once. Exit code 0 when every run has finished, 1 otherwise."})
final class SweepRunCommand implements Callable<Integer> {

    /** System properties of this process that its runs inherit (DJL's offline mode and threads, the cache). */
    static final List<String> INHERITED_PROPERTIES = List.of("ai.djl.offline", "ai.djl.pytorch.num_threads",
            UserDirectories.CACHE_PROPERTY, "ENGINE_CACHE_DIR", "PYTORCH_LIBRARY_PATH", "PYTORCH_VERSION",
            "PYTORCH_FLAVOR");

    @Spec
    CommandSpec spec;

    @OutputPaths.Reads
    @Parameters(index = "0", paramLabel = "SWEEP_FOLDER_OR_FILE",
            description = "A sweep file (its folder lies beside it, named after it) or a sweep folder.")
    Path target;

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "1",
            description = "Runs at a time (default ${DEFAULT-VALUE}); each run uses every core unless told otherwise.")
    int parallel;

    @Option(names = "--yes", description = "Start a grid of more than " + SweepFile.LARGE_GRID + " runs.")
    boolean yes;

    @Option(names = "--checkpoint-every", paramLabel = "N",
            description = "Each run saves a checkpoint every N steps (train's default: 200).")
    Long checkpointEvery;

    @Option(names = "--checkpoint-minutes", paramLabel = "M",
            description = "Each run saves a checkpoint every M minutes (train's default: 10).")
    Double checkpointMinutes;

    @Option(names = "--java-option", paramLabel = "OPTION",
            description = "An option for the runs' JVMs, e.g. --java-option=-Xmx8g (repeatable).")
    List<String> javaOptions = new ArrayList<>();

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        if (parallel < 1) {
            throw new BadInputException("--parallel must be at least 1, not " + parallel);
        }
        SweepFolder sweep = layOut();
        SweepRunner runner = new SweepRunner(commands(javaOptions, checkpointEvery, checkpointMinutes),
                RunLauncher.DEFAULT_CANCEL_GRACE);
        int total = sweep.runs().size();
        long done = SweepStatus.of(sweep).entries().stream().filter(SweepStatus.Entry::isFinished).count();
        out.println("sweep " + sweep.path() + ": " + total + " runs, " + done + " finished, " + (total - done)
                + " to train, " + parallel + " at a time");
        out.flush();
        SweepRunner.Summary summary = runner.run(sweep, parallel, new SweepRunner.Listener() {
            @Override
            public void skipped(SweepRun run, String why) {
                if (!why.equals("finished")) {
                    say(out, "skipped  " + describe(run) + ": " + why);
                }
            }

            @Override
            public void started(SweepRun run, SweepRunner.Start how, RunHandle handle) {
                say(out, "started  " + describe(run) + switch (how) {
                    case NEW -> "";
                    case RESUMED -> " (resumed from its checkpoint)";
                    case RESTARTED -> " (started over: it stopped before its first checkpoint)";
                });
            }

            @Override
            public void ended(SweepRun run, RunExit exit) {
                String what = exit.status() == RunStatus.FINISHED
                        ? Trainer.describe(((dev.finescope.run.RunEvent.Finished) exit.terminal()).metrics())
                        : exit.status().label() + (exit.failureReason().isEmpty() ? "" : ": "
                                + FineScopeCommand.oneLine(exit.failureReason()));
                say(out, String.format("%-8s %s: %s", exit.status() == RunStatus.FINISHED ? "finished" : "stopped",
                        describe(run), what));
            }
        });
        int failed = (int) summary.ended().values().stream().filter(s -> s != RunStatus.FINISHED).count();
        long resumed = summary.started().values().stream().filter(s -> s == SweepRunner.Start.RESUMED).count();
        out.println(total + " runs: " + summary.alreadyFinished() + " finished before, " + summary.started().size()
                + " trained now (" + resumed + " resumed), " + failed + " did not finish, " + summary.busy()
                + " trained elsewhere");
        if (!summary.allFinished()) {
            out.println("start it again to go on: finescope sweep run " + sweep.path());
        }
        out.flush();
        return summary.allFinished() ? 0 : 1;
    }

    /** The sweep folder, laid out from the sweep file first when {@link #target} is one. */
    private SweepFolder layOut() {
        if (!Files.isRegularFile(target)) {
            SweepFolder f = SweepCommand.open(target);
            confirm(f.runs().size());
            return f;
        }
        SweepFile file = SweepCommand.read(target);
        confirm(file.runCount());
        return SweepCommand.guarded(() -> SweepFolder.create(file, SweepCommand.folderOf(target)));
    }

    private void confirm(long runs) {
        if (runs > SweepFile.LARGE_GRID && !yes) {
            throw new BadInputException(target + ": the grid has " + runs + " runs, more than "
                    + SweepFile.LARGE_GRID + "; give --yes to start them");
        }
    }

    /** {@code finescope train} in a JVM like this one, with {@code javaOptions} and the checkpoint cadence given. */
    static SweepRunner.Commands commands(List<String> javaOptions, Long checkpointEvery, Double checkpointMinutes) {
        List<String> jvm = new ArrayList<>();
        for (String key : INHERITED_PROPERTIES) {
            String value = System.getProperty(key);
            if (value != null) {
                jvm.add("-D" + key + "=" + value);
            }
        }
        jvm.addAll(javaOptions);
        List<String> cadence = new ArrayList<>();
        if (checkpointEvery != null) {
            cadence.addAll(List.of("--checkpoint-every", Long.toString(checkpointEvery)));
        }
        if (checkpointMinutes != null) {
            cadence.addAll(List.of("--checkpoint-minutes", Double.toString(checkpointMinutes)));
        }
        return new SweepRunner.Commands() {
            @Override
            public List<String> train(Path specFile) {
                return command(List.of("train", "--spec", specFile.toString()));
            }

            @Override
            public List<String> resume(Path runFolder) {
                return command(List.of("train", "--resume", runFolder.toString()));
            }

            private List<String> command(List<String> first) {
                List<String> args = new ArrayList<>(first);
                args.addAll(List.of("--events", "stdout"));
                args.addAll(cadence);
                return RunLauncher.javaCommand(jvm, RunLauncher.MAIN_CLASS, args);
            }
        };
    }

    static String describe(SweepRun run) {
        StringBuilder b = new StringBuilder(run.id()).append(' ').append(run.task()).append(' ').append(run.plan());
        if (run.sparsity() != null) {
            b.append(" @ ").append(run.sparsityText());
        }
        for (Map.Entry<String, String> e : run.hyperParameters().entrySet()) {
            b.append(' ').append(e.getKey()).append('=').append(e.getValue());
        }
        return b.append(" seed ").append(run.seed()).toString();
    }

    private static void say(PrintWriter out, String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }
}
