package dev.finescope.run;

import java.util.List;
import java.util.Optional;

/**
 * The events of a run as far as its file could be read: the events, the lines that were not events (said
 * rather than hidden), and the unfinished last line a crash may leave. What the events add up to is
 * {@link #state()}.
 *
 * @param partialLastLine text after the last line break, present when the writer stopped mid-line
 */
public record EventHistory(List<RunEvent> events, List<String> problems, Optional<String> partialLastLine) {

    public EventHistory {
        events = List.copyOf(events);
        problems = List.copyOf(problems);
    }

    /** Where the run stood after these events. */
    public RunState state() {
        return RunState.replay(events);
    }

    public Optional<RunEvent> last() {
        return state().last();
    }

    /** The first terminal event, if the run reported its end. */
    public Optional<RunEvent> terminal() {
        return state().terminal();
    }

    /** The last step event, for progress. */
    public Optional<RunEvent.Step> lastStep() {
        return state().lastStep();
    }

    public Optional<RunEvent.Started> started() {
        return state().started();
    }
}
