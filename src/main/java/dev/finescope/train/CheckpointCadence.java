package dev.finescope.train;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * When the training loop saves a checkpoint on its own: every {@code everySteps} steps and whenever
 * {@code every} has passed since the last one (or the start), so that a slow run (minutes a step) loses little
 * and a fast one does not spend its time writing. Either rule can be off (0). Defaults: every 200 steps and every
 * 10 minutes, about what losing a preempted job's last stretch may cost. A signal saves one whatever the cadence.
 */
public record CheckpointCadence(long everySteps, Duration every) {

    /** Every 200 steps and every 10 minutes. */
    public static final CheckpointCadence DEFAULT = new CheckpointCadence(200, Duration.ofMinutes(10));

    /** No checkpoints but those a signal asks for. */
    public static final CheckpointCadence ON_SIGNAL_ONLY = new CheckpointCadence(0, Duration.ZERO);

    public CheckpointCadence {
        if (everySteps < 0) {
            throw new IllegalArgumentException("checkpoint every " + everySteps + " steps: not negative");
        }
        if (every == null || every.isNegative()) {
            throw new IllegalArgumentException("checkpoint every " + every + ": not negative");
        }
    }

    /** The clock of one run's loop. */
    Clock start(LongSupplier nanoTime) {
        return new Clock(nanoTime);
    }

    /** Tells the loop, after each step, whether a checkpoint is due. */
    final class Clock {
        private final LongSupplier nanoTime;
        private long last;

        private Clock(LongSupplier nanoTime) {
            this.nanoTime = nanoTime;
            this.last = nanoTime.getAsLong();
        }

        boolean due(long step) {
            boolean bySteps = everySteps > 0 && step % everySteps == 0;
            boolean byTime = !every.isZero() && nanoTime.getAsLong() - last >= every.toNanos();
            return bySteps || byTime;
        }

        /** A checkpoint was just saved: the time rule counts from now. */
        void saved() {
            last = nanoTime.getAsLong();
        }
    }
}
