package dev.finescope.ui;

import dev.finescope.analysis.AnalysisBenchmark;
import dev.finescope.checkpoint.imports.BuiltinBase;
import dev.finescope.common.Progress;
import dev.finescope.ui.common.Workspace;
import dev.finescope.ui.runs.LaunchViewModel;
import dev.finescope.ui.runs.RunItem;
import dev.finescope.ui.runs.RunsViewModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import javafx.animation.AnimationTimer;
import javafx.application.Platform;
import javafx.stage.Stage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How long the FX thread goes without a frame while an analysis and a run go on, in the real window: a benchmark,
 * not a test. It opens the app on the sample workspace, waits until it is idle, launches a short training run
 * from the Runs view model (as the launch dialog does), and while the run trains opens a BERT-base-sized pair
 * (seeded, made once under {@code target/bench} as {@code finescope bench analyze} makes it), so that the
 * analysis and the run overlap. Every gap between animation pulses is recorded with what was going on, and a
 * table of the longest gaps per phase is printed when the run has ended.
 *
 * <p>After the What-if tab it runs a whole sensitivity sweep of the selected fine-tune (every matrix at the default
 * sparsities, on the first {@code --sweep-examples} dev sentences) from its Sweep page, as a user does;
 * {@code --whatif-only} ends the scenario there (no run, no pair).
 *
 * <pre>xvfb-run -a java -cp target/finescope.jar dev.finescope.ui.StallBench [--steps N] [--pair-dir DIR]
 *     [--sweep-examples N] [--whatif-only]</pre>
 *
 * <p>The table goes to standard output through the log (other messages from WARN up).
 */
public final class StallBench {

    private static Logger log;

    /** One frame: when it came, the gap before it, and what was busy. */
    private record Frame(long at, long gapNanos, String phase, boolean analysing, boolean training) {
    }

    private final List<Frame> frames = new ArrayList<>();
    private final int steps;
    private final Path pairDir;
    private final int sweepExamples;
    private final boolean whatIfOnly;
    private MainWindow window;
    private long last;
    private long analysisStarted;
    private long analysisEnded;
    /** What the scenario is doing; each frame is counted under the phase it ended in. */
    private String phase = "start-up: window built, sample workspace analysed";

    private StallBench(int steps, Path pairDir, int sweepExamples, boolean whatIfOnly) {
        this.steps = steps;
        this.pairDir = pairDir;
        this.sweepExamples = sweepExamples;
        this.whatIfOnly = whatIfOnly;
    }

    public static void main(String[] args) throws Exception {
        setIfAbsent("org.slf4j.simpleLogger.logFile", "System.out");
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        setIfAbsent("org.slf4j.simpleLogger.log." + StallBench.class.getName(), "info");
        setIfAbsent("org.slf4j.simpleLogger.showThreadName", "false");
        setIfAbsent("org.slf4j.simpleLogger.showLogName", "false");
        setIfAbsent("org.slf4j.simpleLogger.levelInBrackets", "true");
        log = LoggerFactory.getLogger(StallBench.class);
        List<String> a = Arrays.asList(args);
        int steps = Integer.parseInt(option(a, "--steps", "40"));
        Path pairDir = Path.of(option(a, "--pair-dir", "target/bench"));
        int sweepExamples = Integer.parseInt(option(a, "--sweep-examples", "64"));
        boolean whatIfOnly = a.contains("--whatif-only");
        Path[] pair = null;
        if (!whatIfOnly) {
            say("%s", "preparing the BERT-base pair in " + pairDir.toAbsolutePath() + " …");
            pair = AnalysisBenchmark.ensurePair(pairDir, AnalysisBenchmark.Size.BASE, Progress.NONE);
        }
        BuiltinBase.register();
        // as the app's own start does (Main)
        dev.finescope.StartupClasses.startIfWorthIt(Runtime.getRuntime().availableProcessors());
        StallBench bench = new StallBench(steps, pairDir, sweepExamples, whatIfOnly);
        Path[] thePair = pair;
        Platform.startup(() -> bench.start(thePair));
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    private static void say(String format, Object... args) {
        log.info(String.format(Locale.ROOT, format, args));
    }

    private static String option(List<String> args, String name, String fallback) {
        int i = args.indexOf(name);
        return i >= 0 && i + 1 < args.size() ? args.get(i + 1) : fallback;
    }

    private void start(Path[] pair) {
        Stage stage = new Stage();
        Path here = Path.of("").toAbsolutePath();
        Optional<Path> sample = WorkspaceViewModel.sampleWorkspace(here, null);
        if (sample.isEmpty()) {
            fail("run it from the repository root: no sample-models/ here");
            return;
        }
        window = new FineScopeApp().start(stage, sample);
        new AnimationTimer() {
            @Override
            public void handle(long now) {
                if (last != 0) {
                    frames.add(new Frame(now, now - last, phase, analysing(), training()));
                }
                last = now;
            }
        }.start();
        MainViewModel vm = window.viewModel();
        RunsViewModel runs = window.runsViewModel();
        Workspace ws = vm.workspace();
        // the sample workspace opened, idle; the What-if tab shown (its session opens in the background); a run
        // launched; once it trains, the pair opened and analysed; the run's end
        when(() -> ws.getTunedModels().size() == 8 && !analysing(), 120, () -> {
            phase = "idle";
            after(2000, () -> showTabs(List.of("Ranking", "Histograms", "Plan", "Runs"), () -> {
                phase = "What-if tab shown: pane built, session opened";
                say("%s", "showing the What-if tab …");
                long t0 = System.nanoTime();
                window.tabs().getSelectionModel().select(MainWindow.TAB_NAMES.indexOf("What-if"));
                long built = System.nanoTime();
                // the pane is built in the selection; its first style and layout pass come with the next pulse
                Platform.runLater(() -> say("What-if tab: pane built in %.1f ms, first pulse after %.1f ms",
                        (built - t0) / 1e6, (System.nanoTime() - t0) / 1e6));
                when(() -> vm.whatIf().sessionProperty().get() != null && !analysing(), 120, () -> {
                    phase = "idle";
                    after(1500, () -> sweep(vm, () -> {
                        window.tabs().getSelectionModel().select(0);
                        if (whatIfOnly) {
                            after(1000, this::report);
                        } else {
                            after(2000, () -> launch(vm, runs, ws, pair));
                        }
                    }));
                });
            }));
        });
    }

    /** Shows each tab in turn for a second and a half (its pane is built on first show), then the heatmap. */
    private void showTabs(List<String> names, Runnable then) {
        if (names.isEmpty()) {
            phase = "idle";
            window.tabs().getSelectionModel().select(0);
            after(1500, then);
            return;
        }
        phase = names.get(0) + " tab first shown";
        window.tabs().getSelectionModel().select(MainWindow.TAB_NAMES.indexOf(names.get(0)));
        after(1500, () -> showTabs(names.subList(1, names.size()), then));
    }

    /**
     * Runs a whole sensitivity sweep from the What-if tab's Sweep page (the tab is on screen): every matrix at the
     * default sparsities, on the first {@code sweepExamples} dev sentences, afresh (no resume).
     */
    private void sweep(MainViewModel vm, Runnable then) {
        dev.finescope.ui.whatif.WhatIfViewModel w = vm.whatIf();
        phase = "What-if sweep page first shown";
        ((dev.finescope.ui.whatif.WhatIfPane) window.tabs().getSelectionModel().getSelectedItem().getContent())
                .showPage(dev.finescope.ui.whatif.WhatIfViewModel.Page.SWEEP);
        after(1500, () -> {
            phase = "What-if session opened for the sweep's examples";
            w.maxExamplesProperty().set(sweepExamples);
            when(() -> w.sessionProperty().get() != null && w.runningProperty().get() == null && !analysing(), 120,
                    () -> {
                        phase = "idle";
                        after(1000, () -> {
                            say("%s", "running a sensitivity sweep on " + sweepExamples + " examples …");
                            phase = "What-if sweep running (" + sweepExamples + " examples)";
                            long t0 = System.nanoTime();
                            w.sweep().resumeProperty().set(false);
                            w.sweep().runSweep();
                            when(() -> w.runningProperty().get() == null, 1800, () -> {
                                var p = w.sweep().sweepPictureProperty().get();
                                say("%s", "sweep: " + (p == null ? "no picture" : p.note()) + String.format(
                                        Locale.ROOT, " in %.1f s", (System.nanoTime() - t0) / 1e9));
                                phase = "What-if sweep finished";
                                after(1500, () -> {
                                    phase = "idle";
                                    then.run();
                                });
                            });
                        });
                    });
        });
    }

    private void launch(MainViewModel vm, RunsViewModel runs, Workspace ws, Path[] pair) {
        try {
            ws.runsFolderProperty().set(Files.createTempDirectory("finescope-stall-bench"));
        } catch (IOException e) {
            fail("no temporary folder: " + e.getMessage());
            return;
        }
        LaunchViewModel form = runs.newLaunchForm();
        if (form.glueFolderProperty().get() == null && ws.dataProperty().get() != null) {
            form.glueFolderProperty().set(ws.dataProperty().get());
        }
        form.hyperParametersProperty().set(form.hyperParametersProperty().get().toBuilder().maxSteps(steps)
                .maxLength(64).batchSize(16).build());
        String blocker = runs.launchBlockerBinding().get();
        if (!blocker.isEmpty() || !form.problems().isEmpty()) {
            fail("the run cannot start: " + blocker + " " + form.problems());
            return;
        }
        say("%s", "launching a run of " + steps + " steps …");
        phase = "run starting (its JVM and engine load)";
        runs.launch(form);
        when(() -> !runs.runs().isEmpty() && runs.runs().get(0).progressProperty().get() > 0, 180, () -> {
            phase = "run training";
            after(1000, () -> {
                say("%s", "opening the BERT-base pair while the run trains …");
                phase = "run training + BERT-base pair opened and analysed";
                analysisStarted = System.nanoTime();
                vm.workspaceViewModel().closeWorkspace();
                vm.workspaceViewModel().open(List.of(pair[0], pair[1]));
                when(() -> ws.getTunedModels().size() == 1 && !analysing(), 300, () -> {
                    analysisEnded = System.nanoTime();
                    phase = "run training";
                    when(() -> !training(), 600, () -> {
                        phase = "after the run";
                        after(1000, this::report);
                    });
                });
            });
        });
    }

    private boolean analysing() {
        return window != null && !((TaskTracker) window.viewModel().executor()).running().isEmpty();
    }

    private boolean training() {
        return window != null && window.runsViewModel().hasRunningRuns();
    }

    private void report() {
        say("");
        say("%-50s %7s %9s %9s %9s %7s", "FX thread: gaps between frames", "frames", "longest", "p99",
                "median", ">50 ms");
        for (String p : frames.stream().map(Frame::phase).distinct().toList()) {
            row(p, f -> f.phase().equals(p));
        }
        row("any time a run trained and an analysis ran", f -> f.training() && f.analysing());
        say("");
        say("%s", "the longest gaps (JVM uptime at the frame that ended each):");
        long uptimeAtZero = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime() * 1_000_000L
                - System.nanoTime();
        frames.stream().sorted((x, y) -> Long.compare(y.gapNanos(), x.gapNanos())).limit(8).forEach(f -> say(
                "  %6.1f ms ending at %8.3f s, %s", f.gapNanos() / 1e6, (f.at() + uptimeAtZero) / 1e9, f.phase()));
        RunItem run = window.runsViewModel().runs().isEmpty() ? null : window.runsViewModel().runs().get(0);
        say("");
        if (whatIfOnly) {
            say("(%d cores; what-if only)", Runtime.getRuntime().availableProcessors());
        } else {
            say("analysis of the BERT-base pair: %.2f s; run: %s",
                    (analysisEnded - analysisStarted) / 1e9, run == null ? "none" : run.status() + ", "
                            + run.summaryProperty().get());
            say("(%d cores; pair in %s)", Runtime.getRuntime().availableProcessors(), pairDir);
        }
        window.close();
        Platform.exit();
    }

    private void row(String name, java.util.function.Predicate<Frame> which) {
        long[] gaps = frames.stream().filter(which).mapToLong(Frame::gapNanos).sorted().toArray();
        if (gaps.length == 0) {
            say("%-50s %7d", name, 0);
            return;
        }
        long over = Arrays.stream(gaps).filter(g -> g > 50_000_000L).count();
        say("%-50s %7d %7.1f ms %6.1f ms %6.1f ms %7d", name, gaps.length,
                gaps[gaps.length - 1] / 1e6, gaps[(int) Math.floor(0.99 * (gaps.length - 1))] / 1e6,
                gaps[gaps.length / 2] / 1e6, over);
    }

    /** Runs {@code then} on the FX thread once {@code condition} holds, polling every 100 ms; fails after a limit. */
    private void when(BooleanSupplier condition, int seconds, Runnable then) {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        Runnable[] poll = new Runnable[1];
        poll[0] = () -> {
            if (condition.getAsBoolean()) {
                then.run();
            } else if (System.nanoTime() > deadline) {
                fail("gave up after " + seconds + " s");
            } else {
                after(100, poll[0]);
            }
        };
        Platform.runLater(poll[0]);
    }

    private static void after(long millis, Runnable then) {
        javafx.animation.PauseTransition pause = new javafx.animation.PauseTransition(
                javafx.util.Duration.millis(millis));
        // handlers of an animation may not open dialogs: the next step runs after the pulse
        pause.setOnFinished(e -> Platform.runLater(then));
        pause.play();
    }

    private void fail(String why) {
        say("%s", "stall bench: " + why);
        Platform.exit();
        System.exit(1);
    }
}
