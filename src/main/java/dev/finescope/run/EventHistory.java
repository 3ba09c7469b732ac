package dev.finescope.run;

import java.util.List;
import java.util.Optional;

/**
 * The events of a run as far as its file could be read: the events, the lines that were not events (said
 * rather than hidden), and the unfinished last line a crash may leave.
 *
 * @param partialLastLine text after the last line break, present when the writer stopped mid-line
 */
public record EventHistory(List<RunEvent> events, List<String> problems, Optional<String> partialLastLine) {

    public EventHistory {
        events = List.copyOf(events);
        problems = List.copyOf(problems);
    }

    public Optional<RunEvent> last() {
        return events.isEmpty() ? Optional.empty() : Optional.of(events.get(events.size() - 1));
    }

    /** The first terminal event, if the run reported its end. */
    public Optional<RunEvent> terminal() {
        return events.stream().filter(RunEvent::isTerminal).findFirst();
    }

    /** The last step event, for progress. */
    public Optional<RunEvent.Step> lastStep() {
        for (int i = events.size() - 1; i >= 0; i--) {
            if (events.get(i) instanceof RunEvent.Step s) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    public Optional<RunEvent.Started> started() {
        return events.stream().filter(e -> e instanceof RunEvent.Started).map(e -> (RunEvent.Started) e)
                .findFirst();
    }
}
