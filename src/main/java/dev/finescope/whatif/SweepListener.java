package dev.finescope.whatif;

/** Told of every finished point, so that the app draws partial results as they come. Called on the sweep's thread. */
@FunctionalInterface
public interface SweepListener {

    /** Ignores every point. */
    SweepListener NONE = (point, done, total) -> { };

    /**
     * @param done  points finished so far, those resumed from a CSV included
     * @param total points of the whole sweep
     */
    void point(SweepPoint point, int done, int total);
}
