package dev.finescope.run;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a run stands after the events heard so far: the one fold of a run's event stream. The launcher that
 * follows a process, the history read back from {@code events.jsonl} and the app's list of runs all take their
 * status, progress, curves and result from here, so a run reads the same whether it was watched live, found
 * again in its folder, or followed wherever it trains. {@link #apply} is pure: each event gives a new state and
 * leaves the earlier one as it was; the curves are shared between the two, so following a long run costs one
 * small object per point rather than a copy of its history per step.
 *
 * <p>A run ends with one terminal event (finished, failed, cancelled or interrupted): the first one decides how it
 * ended, and events after it change nothing but {@link #last()} and {@link #eventCount()}. A resumed run's log is
 * cut back to its checkpoint before it goes on ({@code resumed} event), so its folder holds one terminal event.
 */
public final class RunState {

    /** The split whose evaluations make the metric curves. */
    public static final String DEV_SPLIT = "dev";

    private static final RunState INITIAL = new RunState(null, null, null, 0, Points.EMPTY, Map.of(), null, null, 0,
            false);

    private final RunEvent.Started started;
    private final RunEvent.Step firstStep;
    private final RunEvent.Step lastStep;
    private final long totalSteps;
    private final Points loss;
    private final Map<String, Points> devMetrics;
    private final RunEvent terminal;
    private final RunEvent last;
    private final int eventCount;
    private final boolean processGone;

    private RunState(RunEvent.Started started, RunEvent.Step firstStep, RunEvent.Step lastStep, long totalSteps,
            Points loss, Map<String, Points> devMetrics, RunEvent terminal, RunEvent last, int eventCount,
            boolean processGone) {
        this.started = started;
        this.firstStep = firstStep;
        this.lastStep = lastStep;
        this.totalSteps = totalSteps;
        this.loss = loss;
        this.devMetrics = devMetrics;
        this.terminal = terminal;
        this.last = last;
        this.eventCount = eventCount;
        this.processGone = processGone;
    }

    /** A run that has said nothing yet. */
    public static RunState initial() {
        return INITIAL;
    }

    /** The state after {@code events}, in order, from {@link #initial()}. */
    public static RunState replay(Iterable<? extends RunEvent> events) {
        RunState s = INITIAL;
        for (RunEvent e : events) {
            s = s.apply(e);
        }
        return s;
    }

    /** The state after one more event. */
    public RunState apply(RunEvent event) {
        Objects.requireNonNull(event, "event");
        if (terminal != null) {
            return new RunState(started, firstStep, lastStep, totalSteps, loss, devMetrics, terminal, event,
                    eventCount + 1, processGone);
        }
        RunEvent.Started st = started;
        RunEvent.Step first = firstStep;
        RunEvent.Step latest = lastStep;
        long total = totalSteps;
        Points l = loss;
        Map<String, Points> dev = devMetrics;
        RunEvent end = null;
        if (event instanceof RunEvent.Started s) {
            st = st == null ? s : st;
            total = s.totalSteps();
        } else if (event instanceof RunEvent.Step s) {
            first = first == null ? s : first;
            latest = s;
            total = s.totalSteps();
            l = l.plus(s.step(), s.loss());
        } else if (event instanceof RunEvent.Evaluation e && e.split().equals(DEV_SPLIT)) {
            Map<String, Points> m = new LinkedHashMap<>(dev);
            e.metrics().forEach((k, v) -> m.put(k, m.getOrDefault(k, Points.EMPTY).plus(e.step(), v)));
            dev = Collections.unmodifiableMap(m);
        } else if (event.isTerminal()) {
            end = event;
        }
        return new RunState(st, first, latest, total, l, dev, end, event, eventCount + 1, processGone);
    }

    /**
     * The same state for a run whose process is known to be gone: without a terminal event it then
     * {@linkplain RunStatus#CRASHED ended without a word}. Whether a process lives is not an event, so whoever
     * watches it says so.
     */
    public RunState processEnded() {
        return processGone ? this : new RunState(started, firstStep, lastStep, totalSteps, loss, devMetrics,
                terminal, last, eventCount, true);
    }

    /** Running until a terminal event; crashed when the process ended without one. */
    public RunStatus status() {
        return RunStatus.of(terminal(), !processGone);
    }

    /** The event that ended the run: the first finished, failed or cancelled. */
    public Optional<RunEvent> terminal() {
        return Optional.ofNullable(terminal);
    }

    /** The latest event, whatever it was. */
    public Optional<RunEvent> last() {
        return Optional.ofNullable(last);
    }

    /** How many events were applied. */
    public int eventCount() {
        return eventCount;
    }

    /** The run's started event (the first, should there be more). */
    public Optional<RunEvent.Started> started() {
        return Optional.ofNullable(started);
    }

    /** Where the run trains ("cpu", "gpu 0"), as its started event said; empty before. */
    public String device() {
        return started == null ? "" : started.device();
    }

    public Optional<RunEvent.Step> firstStep() {
        return Optional.ofNullable(firstStep);
    }

    public Optional<RunEvent.Step> lastStep() {
        return Optional.ofNullable(lastStep);
    }

    /** Steps done: the latest step event's count, 0 before the first. */
    public long step() {
        return lastStep == null ? 0 : lastStep.step();
    }

    /** Planned steps, from the latest step event, else the started event; 0 when unknown. */
    public long totalSteps() {
        return totalSteps;
    }

    /** How far the run has come and how long it may still take. */
    public RunProgress progress() {
        return RunProgress.of(this);
    }

    /** The training loss at each step, as (step, loss) pairs, oldest first; fresh arrays. */
    public List<double[]> lossPoints() {
        return loss.toList();
    }

    /** Each metric's values on the dev split, as (step, value) pairs, by metric name in the order first met. */
    public Map<String, List<double[]>> devMetricPoints() {
        Map<String, List<double[]>> out = new LinkedHashMap<>();
        devMetrics.forEach((k, v) -> out.put(k, v.toList()));
        return out;
    }

    /** The metrics the run finished with; empty before it finished. */
    public Map<String, Double> finalMetrics() {
        return terminal instanceof RunEvent.Finished f ? f.metrics() : Map.of();
    }

    /** The overlay a finished run names (relative to its folder unless absolute); empty otherwise. */
    public Optional<String> overlay() {
        return terminal instanceof RunEvent.Finished f ? Optional.of(f.overlay()) : Optional.empty();
    }

    /** The reason a failed run gave; empty otherwise. */
    public Optional<String> failureReason() {
        return terminal instanceof RunEvent.Failed f ? Optional.of(f.reason()) : Optional.empty();
    }

    @Override
    public String toString() {
        return "RunState[" + status() + ", step " + step() + "/" + totalSteps + ", " + eventCount + " events]";
    }

    /** (step, value) pairs that only grow: each list is the one before it plus a point, sharing the rest. */
    private static final class Points {
        static final Points EMPTY = new Points(null, 0, 0, 0);

        private final Points before;
        private final double step;
        private final double value;
        private final int size;

        private Points(Points before, double step, double value, int size) {
            this.before = before;
            this.step = step;
            this.value = value;
            this.size = size;
        }

        Points plus(double step, double value) {
            return new Points(this, step, value, size + 1);
        }

        List<double[]> toList() {
            double[][] out = new double[size][];
            int i = size;
            for (Points p = this; p.size > 0; p = p.before) {
                out[--i] = new double[] {p.step, p.value};
            }
            return List.of(out);
        }
    }
}
