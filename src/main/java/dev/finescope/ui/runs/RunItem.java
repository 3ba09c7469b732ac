package dev.finescope.ui.runs;

import dev.finescope.run.EventReader;
import dev.finescope.run.RunEvent;
import dev.finescope.run.RunFolder;
import dev.finescope.run.RunHandle;
import dev.finescope.run.RunProgress;
import dev.finescope.run.RunState;
import dev.finescope.run.RunStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * One run as the runs list shows it: where it stands, how far it has come, when it should end, its loss and
 * metric curves and its log. It is fed the run's events in order on the FX thread (from a process this app
 * started, or read from the folder of a run found again), folds them into a {@link RunState}, the same fold the
 * launcher and the run folder use, and shows that state through JavaFX properties, so a run looks the same
 * whether it was watched live or found later. Only the log, the cancel request and the comparison with a
 * baseline are its own.
 */
public final class RunItem {

    /** How many log lines a run keeps for its log view. */
    static final int LOG_LINES = 300;

    private final Path folder;
    private final ReadOnlyStringWrapper name = new ReadOnlyStringWrapper(this, "name");
    private final ReadOnlyObjectWrapper<RunStatus> status = new ReadOnlyObjectWrapper<>(this, "status");
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(this, "progress");
    private final ReadOnlyStringWrapper summary = new ReadOnlyStringWrapper(this, "summary");
    private final ReadOnlyStringWrapper problem = new ReadOnlyStringWrapper(this, "problem", "");
    private final ReadOnlyStringWrapper logText = new ReadOnlyStringWrapper(this, "logText", "");
    private final ReadOnlyBooleanWrapper cancelRequested = new ReadOnlyBooleanWrapper(this, "cancelRequested");
    private final ReadOnlyBooleanWrapper cancellable = new ReadOnlyBooleanWrapper(this, "cancellable");
    private final ReadOnlyBooleanWrapper resumable = new ReadOnlyBooleanWrapper(this, "resumable");
    private final ReadOnlyIntegerWrapper revision = new ReadOnlyIntegerWrapper(this, "revision");
    private final ReadOnlyObjectWrapper<Path> overlay = new ReadOnlyObjectWrapper<>(this, "overlay");
    private final ReadOnlyStringWrapper verdict = new ReadOnlyStringWrapper(this, "verdict", "");
    private String planName = "";

    /** What the run's events add up to; every property above but the name is derived from it. */
    private RunState state = RunState.initial();
    private final Deque<String> log = new ArrayDeque<>();
    private final ConcurrentLinkedQueue<String> incomingLog = new ConcurrentLinkedQueue<>();
    private boolean dirty;

    /** Set once the process runs; null for a run found in its folder. */
    private volatile RunHandle handle;
    /** Follows the events file of a run another session started and that still runs; null otherwise. */
    private EventReader follower;

    RunItem(Path folder, String name) {
        this.folder = folder;
        this.name.set(name == null || name.isBlank() ? String.valueOf(folder.getFileName()) : name);
        show();
    }

    public Path folder() {
        return folder;
    }

    /** Gives the run the name the list shows it by (one no other run of the list has). */
    void rename(String newName) {
        if (newName != null && !newName.isBlank()) {
            name.set(newName);
        }
    }

    public ReadOnlyStringProperty nameProperty() {
        return name.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<RunStatus> statusProperty() {
        return status.getReadOnlyProperty();
    }

    /** Share of the planned steps done, in [0, 1]; 1 once finished. */
    public ReadOnlyDoubleProperty progressProperty() {
        return progress.getReadOnlyProperty();
    }

    /** One line: "step 140/420 · loss 0.3100 · ETA 2:40", or how the run ended. */
    public ReadOnlyStringProperty summaryProperty() {
        return summary.getReadOnlyProperty();
    }

    /** Why the run failed or ended without a word; empty otherwise. */
    public ReadOnlyStringProperty problemProperty() {
        return problem.getReadOnlyProperty();
    }

    /** The last lines of the run's log (its standard error and other output), oldest first. */
    public ReadOnlyStringProperty logTextProperty() {
        return logText.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty cancelRequestedProperty() {
        return cancelRequested.getReadOnlyProperty();
    }

    /** True while this app's own process of the run lives and no cancel was asked for. */
    public ReadOnlyBooleanProperty cancellableProperty() {
        return cancellable.getReadOnlyProperty();
    }

    /**
     * True for a run that stopped before its end (interrupted, killed or crashed) with a checkpoint in its folder
     * and no process of it running: {@code finescope train --resume} can go on from there.
     */
    public ReadOnlyBooleanProperty resumableProperty() {
        return resumable.getReadOnlyProperty();
    }

    /** Counts changes of the curves and the log, so a chart knows when to draw again. */
    public ReadOnlyIntegerProperty revisionProperty() {
        return revision.getReadOnlyProperty();
    }

    /** The overlay a finished run produced; null before. */
    public ReadOnlyObjectProperty<Path> overlayProperty() {
        return overlay.getReadOnlyProperty();
    }

    public RunStatus status() {
        return status.get();
    }

    /**
     * A finished run's accuracy beside the baseline it has to beat ("0.513 — no better than the head-only
     * baseline (0.784)"); empty while there is no final accuracy or nothing to compare it with.
     */
    public ReadOnlyStringProperty verdictProperty() {
        return verdict.getReadOnlyProperty();
    }

    /** The metrics the run finished with; empty before. */
    public Map<String, Double> finalMetrics() {
        return state.finalMetrics();
    }

    /** Where the run stands after the events it has been given. */
    public RunState state() {
        return state;
    }

    /** The name of the plan the run trains, as its spec says; empty when unknown. */
    public String planName() {
        return planName;
    }

    void setPlanName(String name) {
        planName = name == null ? "" : name;
    }

    /**
     * Compares the final accuracy with {@code baseline} (null: none known). Within {@link Baseline#NO_BETTER_POINTS} points of it, or below, the
     * run learned nothing the baseline does not: it says so.
     */
    void compareWith(Baseline baseline) {
        Double accuracy = state.finalMetrics().get("accuracy");
        if (baseline == null || accuracy == null || status.get() != RunStatus.FINISHED) {
            verdict.set("");
            return;
        }
        String own = String.format(Locale.ROOT, "%.3f", accuracy);
        String base = String.format(Locale.ROOT, "%.3f", baseline.accuracy());
        double points = 100 * (accuracy - baseline.accuracy());
        if (points <= Baseline.NO_BETTER_POINTS) {
            verdict.set("accuracy " + own + " — no better than " + baseline.description() + " (" + base + ")");
        } else {
            verdict.set(String.format(Locale.ROOT, "accuracy %s — %.1f points above %s (%s)", own, points,
                    baseline.description(), base));
        }
        dirty = true;
    }

    /** What the chart says where a curve has no point yet: waiting while the run trains, else how it ended. */
    String emptyCurveMessage() {
        return switch (status.get()) {
            case RUNNING -> "waiting for the first step";
            case FAILED -> "failed before the first step: " + problem.get();
            case CRASHED -> "the training process ended before the first step";
            case CANCELLED -> "cancelled before the first step";
            case INTERRUPTED -> "interrupted before the first step";
            case FINISHED -> "no steps";
        };
    }

    /** The training loss at each step, as (step, loss) pairs. */
    public List<double[]> lossPoints() {
        return state.lossPoints();
    }

    /** Each metric's values on the dev split, as (step, value) pairs, by metric name. */
    public Map<String, List<double[]>> metricPoints() {
        return state.devMetricPoints();
    }

    /** The device the run reported ("cpu", "gpu 0"), empty before it started. */
    public String device() {
        return state.device();
    }

    boolean isOwn() {
        return handle != null;
    }

    Optional<RunHandle> handle() {
        return Optional.ofNullable(handle);
    }

    void attach(RunHandle h) {
        handle = h;
    }

    EventReader follower() {
        return follower;
    }

    void follow(EventReader reader) {
        follower = reader;
    }

    /** Called on the FX thread once this app's process of the run has started. */
    void processStarted() {
        cancellable.set(status.get() == RunStatus.RUNNING && !cancelRequested.get());
    }

    void markCancelRequested() {
        cancelRequested.set(true);
        cancellable.set(false);
        show();
    }

    /** Takes in the next event of the run, on the FX thread. */
    void apply(RunEvent event) {
        apply(List.of(event));
    }

    /** Takes in the next events of the run, in order, on the FX thread (or before the run is shown). */
    void apply(List<RunEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        for (RunEvent event : events) {
            if (event instanceof RunEvent.Resumed r) {
                // the resumed process cut the events file back to its checkpoint and goes on from there
                state = RunState.replay(EventReader.readAll(folder.resolve(RunFolder.EVENTS_FILE)).events());
                cancelRequested.set(false);
                addLog("resumed from the checkpoint at step " + r.step());
                continue;
            }
            state = state.apply(event);
            if (event instanceof RunEvent.Evaluation e) {
                addLog("evaluation at step " + e.step() + " on " + e.split() + ": " + formatMetrics(e.metrics()));
            } else if (event instanceof RunEvent.CheckpointSaved c) {
                addLog("checkpoint at step " + c.step() + ": " + c.path());
            }
        }
        dirty = true;
        show();
    }

    /** This app's process of the run has exited: whether it can be resumed now depends on that. */
    void processExited() {
        show();
    }

    /** The run's process is gone without a terminal event (a run found again after a crash or a kill). */
    void endedWithoutAWord() {
        state = state.processEnded();
        dirty = true;
        show();
    }

    /** Sets the properties from the state: where the run stands, how far it came, how it ended. */
    private void show() {
        RunStatus s = state.status();
        status.set(s);
        RunProgress p = state.progress();
        progress.set(s == RunStatus.FINISHED ? 1 : p.fraction());
        Path o = state.overlay().map(folder::resolve).orElse(null);
        if (!Objects.equals(o, overlay.get())) {
            overlay.set(o);
        }
        problem.set(switch (s) {
            case FAILED -> state.failureReason().orElse("");
            case CRASHED -> "The training process " + RunStatus.CRASHED.label() + "; its log may say why.";
            default -> "";
        });
        if (s.isTerminal()) {
            cancellable.set(false);
        }
        resumable.set(s.canResume() && (handle == null || !handle.isAlive())
                && Files.isRegularFile(folder.resolve(RunFolder.CHECKPOINT_FILE)));
        summary.set(switch (s) {
            case RUNNING -> (cancelRequested.get() ? "cancelling… " : "") + progressLine(p);
            case FINISHED -> {
                RunEvent.Finished f = (RunEvent.Finished) state.terminal().orElseThrow();
                yield "finished at step " + f.step()
                        + (f.metrics().isEmpty() ? "" : " · " + formatMetrics(f.metrics()));
            }
            case FAILED -> "failed" + stepSuffix();
            case CANCELLED -> "cancelled at step " + ((RunEvent.Cancelled) state.terminal().orElseThrow()).step();
            case INTERRUPTED -> "interrupted at step " + ((RunEvent.Interrupted) state.terminal().orElseThrow()).step()
                    + ", checkpoint saved: Resume goes on from it";
            case CRASHED -> RunStatus.CRASHED.label() + stepSuffix();
        });
    }

    /** "step 140/420 · loss 0.3100 · ETA 2:40"; "starting…" before the run said anything of its steps. */
    private String progressLine(RunProgress p) {
        if (state.started().isEmpty() && state.lastStep().isEmpty()) {
            return "starting…";
        }
        StringBuilder b = new StringBuilder();
        b.append("step ").append(p.step()).append('/').append(p.totalSteps() > 0 ? p.totalSteps() : "?");
        state.lastStep().ifPresent(l -> b.append(" · loss ").append(String.format(Locale.ROOT, "%.4f", l.loss())));
        p.remaining().ifPresent(d -> b.append(" · ETA ").append(duration(d)));
        return b.toString();
    }

    private String stepSuffix() {
        return state.lastStep().map(l -> " at step " + l.step()).orElse("");
    }

    /** A line for the log, from any thread; it shows at the next {@link #flush()}. */
    void offerLogLine(String line) {
        incomingLog.add(line);
    }

    private void addLog(String line) {
        log.addLast(line);
        while (log.size() > LOG_LINES) {
            log.removeFirst();
        }
        dirty = true;
    }

    /** Replaces the log with lines read from the run's folder. */
    void setLog(List<String> lines) {
        log.clear();
        lines.forEach(this::addLog);
    }

    /**
     * Shows what arrived since the last call: new log lines, and a new revision when the curves or the log
     * changed. Called a few times a second, so bursts of output cost one update.
     *
     * @return true when something changed
     */
    boolean flush() {
        for (String line; (line = incomingLog.poll()) != null; ) {
            addLog(line);
        }
        if (!dirty) {
            return false;
        }
        dirty = false;
        logText.set(String.join("\n", log));
        revision.set(revision.get() + 1);
        return true;
    }

    /** "2:40", "1:05:00": time left as a clock reads. */
    static String duration(Duration d) {
        long s = Math.max(0, Math.round(d.toMillis() / 1000.0));
        long h = s / 3600;
        long m = (s % 3600) / 60;
        long sec = s % 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, sec)
                : String.format(Locale.ROOT, "%d:%02d", m, sec);
    }

    private static String formatMetrics(Map<String, Double> m) {
        List<String> parts = new ArrayList<>();
        m.forEach((k, v) -> parts.add(k + " " + String.format(Locale.ROOT, "%.4f", v)));
        return String.join(", ", parts);
    }

    @Override
    public String toString() {
        return name.get() + " (" + status.get() + ")";
    }
}
