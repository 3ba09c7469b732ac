package dev.finescope.whatif;

import java.nio.file.Path;

/**
 * Sensitivity sweeps: every matrix or layer pruned at several sparsities, or every layer reverted to its
 * pre-trained values, one evaluation per point. Points are evaluated in an order that makes the most of the
 * session's cache, and each finished point is appended to a CSV, so that a cancelled sweep resumes where it
 * stopped.
 */
public final class SensitivitySweep {

    private SensitivitySweep() {
    }

    /**
     * Runs in an order that makes the most of the cache; points already in {@code resumeCsv} (when it exists) are
     * not recomputed; every finished point is appended (flushed) to it, so a cancelled sweep resumes.
     *
     * @param resumeCsv may be null (nothing written); a CSV of another model, data or spec is refused
     * @return the result; {@code complete} false when cancelled
     */
    public static SweepResult run(WhatIfSession session, SweepSpec spec, Path resumeCsv, SweepListener listener,
            Cancel cancel) {
        throw new UnsupportedOperationException("not yet");
    }

    /**
     * Sets each layer back to the base's values, one at a time: which layers' fine-tuning carries the task
     * (the paper's critical layers).
     */
    public static SweepResult revertEachLayer(WhatIfSession session, SweepListener listener, Cancel cancel) {
        throw new UnsupportedOperationException("not yet");
    }
}
