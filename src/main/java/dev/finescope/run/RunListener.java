package dev.finescope.run;

/**
 * Hears a launched run. Called on the launcher's own threads (events and standard-output lines on one thread in
 * order, standard-error lines on another), never on a UI thread: a UI hands what it hears over to its own
 * thread. A listener that throws is logged and otherwise ignored, so it cannot stop the run being followed.
 * Every run delivers exactly one terminal event (reported by the run, or made up by the launcher when the
 * process died without one), then {@link #onExit}.
 */
public interface RunListener {

    /** An event, in the order the run reported it. */
    default void onEvent(RunEvent event) {
    }

    /** A line on the run's standard output that is not an event (a library's own output). */
    default void onOutputLine(String line) {
    }

    /** A line on the run's standard error (its log, or a crash's stack trace). */
    default void onErrorLine(String line) {
    }

    /** The process has ended and every event and line has been delivered. */
    default void onExit(RunExit exit) {
    }
}
