package dev.finescope.run;

import java.util.Optional;

/**
 * Where a run stands, derived from its last events and whether its process lives, never stored: a folder can
 * then not claim a state its events contradict.
 */
public enum RunStatus {
    /** No terminal event yet and the process is alive. */
    RUNNING("running"),
    /**
     * A finished event: the overlay exists, and the final metrics unless the closing evaluation was cancelled
     * (then the event has none and there is no {@code metrics.json}).
     */
    FINISHED("finished"),
    /** A failed event with its reason. */
    FAILED("failed"),
    /** A cancelled event. */
    CANCELLED("cancelled"),
    /**
     * An interrupted event: the run was asked to stop (SIGTERM, SIGUSR1, a preemption), saved a checkpoint and
     * can go on from it with {@code finescope train --resume}.
     */
    INTERRUPTED("interrupted (can resume)"),
    /**
     * No terminal event and no live process: the process was killed or crashed before it could say so (or
     * never started). What it wrote before stays readable.
     */
    CRASHED("ended without a word (crashed or killed)");

    private final String label;

    RunStatus(String label) {
        this.label = label;
    }

    /** For people. */
    public String label() {
        return label;
    }

    public boolean isTerminal() {
        return this != RUNNING;
    }

    /**
     * True for a run that stopped before its end (interrupted, cancelled, killed or crashed): it can go on from
     * its last checkpoint, when it saved one.
     */
    public boolean canResume() {
        return this == INTERRUPTED || this == CANCELLED || this == CRASHED;
    }

    /** The status a terminal event gives, or RUNNING / CRASHED by the process's liveness when there is none. */
    public static RunStatus of(Optional<RunEvent> terminal, boolean processAlive) {
        if (terminal.isPresent()) {
            RunEvent e = terminal.get();
            if (e instanceof RunEvent.Finished) {
                return FINISHED;
            }
            if (e instanceof RunEvent.Failed) {
                return FAILED;
            }
            if (e instanceof RunEvent.Interrupted) {
                return INTERRUPTED;
            }
            return CANCELLED;
        }
        return processAlive ? RUNNING : CRASHED;
    }
}
