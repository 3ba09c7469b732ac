package dev.finescope.run;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How a launched run's process ended: its exit code, the terminal event (the run's own, or one the launcher
 * wrote because the process died without a word), and the last lines of its standard error, which are what a
 * user needs to see when a run dies.
 *
 * @param exitCode      the process's exit code (143 after SIGTERM, 137 after SIGKILL)
 * @param terminal      the finished, failed or cancelled event
 * @param reportedByRun true when the run wrote {@code terminal} itself; false when the launcher made it up
 * @param stderrTail    the last lines of standard error, oldest first
 */
public record RunExit(int exitCode, RunEvent terminal, boolean reportedByRun, List<String> stderrTail) {

    public RunExit {
        Objects.requireNonNull(terminal, "terminal");
        if (!terminal.isTerminal()) {
            throw new IllegalArgumentException("not a terminal event: " + terminal.type());
        }
        stderrTail = List.copyOf(stderrTail);
    }

    public RunStatus status() {
        return RunStatus.of(Optional.of(terminal), false);
    }

    /** The failure's reason for a failed run, else empty. */
    public String failureReason() {
        return terminal instanceof RunEvent.Failed f ? f.reason() : "";
    }
}
