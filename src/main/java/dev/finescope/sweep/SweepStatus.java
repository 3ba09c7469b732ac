package dev.finescope.sweep;

import dev.finescope.run.RunFolder;
import dev.finescope.run.RunState;
import dev.finescope.run.RunStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Where each run of a sweep stands, read from its folder now: pending until its events begin, then what the one
 * fold of its events ({@link RunState}) says, a run without a terminal event and without a live process being
 * one that ended without a word.
 *
 * @param entries the runs in grid order
 */
public record SweepStatus(List<Entry> entries) {

    /** What tables say of a run that has not begun. */
    public static final String PENDING = "pending";

    public SweepStatus {
        entries = List.copyOf(entries);
    }

    /**
     * One run.
     *
     * @param run   where it lies in the grid
     * @param state the fold of its events; empty while it is pending
     */
    public record Entry(SweepRun run, Optional<RunState> state) {

        /** The run's status; empty while it is pending. */
        public Optional<RunStatus> status() {
            return state.map(RunState::status);
        }

        /** One word: pending, running, finished, failed, cancelled, interrupted or crashed. */
        public String label() {
            return status().map(s -> s.name().toLowerCase(Locale.ROOT)).orElse(PENDING);
        }

        public boolean isFinished() {
            return status().filter(s -> s == RunStatus.FINISHED).isPresent();
        }

        /** Steps done, 0 while pending. */
        public long step() {
            return state.map(RunState::step).orElse(0L);
        }

        /** Planned steps, 0 while unknown. */
        public long totalSteps() {
            return state.map(RunState::totalSteps).orElse(0L);
        }

        /**
         * The run's value of a dev metric: its final value (a finished run's closing evaluation), or its best
         * (the largest of every dev evaluation so far; GLUE's metrics all grow with quality). Empty when there is
         * none.
         */
        public OptionalDouble metric(String name, SweepReport.Value value) {
            if (state.isEmpty() || name == null) {
                return OptionalDouble.empty();
            }
            RunState s = state.get();
            if (value == SweepReport.Value.FINAL) {
                Double v = s.finalMetrics().get(name);
                return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
            }
            List<double[]> points = s.devMetricPoints().getOrDefault(name, List.of());
            return points.stream().mapToDouble(p -> p[1]).filter(v -> !Double.isNaN(v)).max();
        }
    }

    /** Reads every run's folder of the sweep. */
    public static SweepStatus of(SweepFolder sweep) {
        List<Entry> out = new ArrayList<>();
        for (SweepRun run : sweep.runs()) {
            Path dir = sweep.runPath(run);
            if (!Files.isRegularFile(dir.resolve(RunFolder.EVENTS_FILE))) {
                out.add(new Entry(run, Optional.empty()));
                continue;
            }
            RunFolder folder = RunFolder.open(dir);
            RunState state = folder.events().state();
            if (state.terminal().isEmpty() && !folder.isProcessAlive()) {
                state = state.processEnded();
            }
            out.add(new Entry(run, Optional.of(state)));
        }
        return new SweepStatus(out);
    }

    /** How many runs have each label, in the order pending, running, finished, failed, cancelled, … */
    public Map<String, Integer> counts() {
        Map<String, Integer> out = new LinkedHashMap<>();
        out.put(PENDING, 0);
        for (RunStatus s : RunStatus.values()) {
            out.put(s.name().toLowerCase(Locale.ROOT), 0);
        }
        entries.forEach(e -> out.merge(e.label(), 1, Integer::sum));
        out.values().removeIf(n -> n == 0);
        return out;
    }

    /** The dev metric the runs report first (the task's main one), from the first run that has final metrics. */
    public Optional<String> firstMetric() {
        for (Entry e : entries) {
            Optional<String> m = e.state().flatMap(s -> s.finalMetrics().keySet().stream().findFirst());
            if (m.isPresent()) {
                return m;
            }
        }
        for (Entry e : entries) {
            Optional<String> m = e.state().flatMap(s -> s.devMetricPoints().keySet().stream().findFirst());
            if (m.isPresent()) {
                return m;
            }
        }
        return Optional.empty();
    }
}
