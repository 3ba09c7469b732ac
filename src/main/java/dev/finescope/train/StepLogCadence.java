package dev.finescope.train;

import java.util.function.LongSupplier;

/**
 * When the training loop writes a step line into the run's log: the first step, every {@value #EVERY_STEPS}th, the
 * last, and whenever {@value #EVERY_SECONDS} s have passed since the last line, so that a run on a slow or busy
 * machine (minutes a step) still says how it goes by the clock, not only by its step count.
 */
final class StepLogCadence {

    static final int EVERY_STEPS = 50;
    static final int EVERY_SECONDS = 30;

    private final LongSupplier nanoTime;
    private long lastLine;

    /** @param nanoTime the clock, {@code System::nanoTime} outside tests */
    StepLogCadence(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.lastLine = nanoTime.getAsLong();
    }

    /** True when step {@code step} of {@code total} gets its line; the clock of the time rule restarts then. */
    boolean due(long step, long total) {
        long now = nanoTime.getAsLong();
        boolean due = step == 1 || step % EVERY_STEPS == 0 || step == total
                || now - lastLine >= EVERY_SECONDS * 1_000_000_000L;
        if (due) {
            lastLine = now;
        }
        return due;
    }
}
