package dev.finescope.run;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * How far a run has come and how long it may still take, from its step events alone, so the app's progress bar
 * and the command line's status say the same. The time left is the mean time per step since the first step
 * event, times the steps left; it needs two step events.
 *
 * @param step       steps done (0 before the first step event)
 * @param totalSteps planned steps (from the latest step event, else the started event; 0 when unknown)
 */
public record RunProgress(long step, long totalSteps, Optional<Duration> remaining) {

    /** The progress shown by a run's events so far. */
    public static RunProgress of(List<RunEvent> events) {
        return of(RunState.replay(events));
    }

    /** The progress of a run that has come to {@code state}. */
    public static RunProgress of(RunState state) {
        long total = state.totalSteps();
        if (state.lastStep().isEmpty()) {
            return new RunProgress(0, total, Optional.empty());
        }
        RunEvent.Step first = state.firstStep().orElseThrow();
        RunEvent.Step last = state.lastStep().get();
        Optional<Duration> remaining = Optional.empty();
        long steps = last.step() - first.step();
        if (steps > 0 && total >= last.step()) {
            Duration elapsed = Duration.between(first.time(), last.time());
            Duration perStep = elapsed.dividedBy(steps);
            remaining = Optional.of(perStep.multipliedBy(total - last.step()));
        }
        return new RunProgress(last.step(), total, remaining);
    }

    /** Share of the planned steps done, in [0, 1]; 0 when the plan is unknown. */
    public double fraction() {
        return totalSteps <= 0 ? 0 : Math.min(1, (double) step / totalSteps);
    }

    /** When the run should end, given the time now. */
    public Optional<Instant> eta(Instant now) {
        return remaining.map(now::plus);
    }
}
