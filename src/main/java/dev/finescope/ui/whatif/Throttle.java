package dev.finescope.ui.whatif;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Runs an action at most once per interval however often it is requested, and always once after the last request:
 * the first request of a quiet spell runs it at once, later ones fold into one run at the end of the interval
 * (whoever reads the newest state then gets all of it: the latest wins). Requests cost an atomic read and never
 * wait; the action runs on the scheduler's thread, one run at a time.
 *
 * <p>Without a scheduler the action runs on the requesting thread when a request finds the interval over, and
 * requests within it run nothing: whoever owns the throttle runs the last action itself (a sweep that runs on the
 * FX thread, under a same-thread executor, has no other thread to draw from).
 */
final class Throttle {

    private final long intervalNanos;
    private final ScheduledExecutorService scheduler;
    private final Runnable action;
    private final LongSupplier clock;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    /** When the last run started; far in the past before the first. */
    private volatile long lastRun;

    Throttle(long interval, TimeUnit unit, ScheduledExecutorService scheduler, Runnable action) {
        this(interval, unit, scheduler, action, System::nanoTime);
    }

    Throttle(long interval, TimeUnit unit, ScheduledExecutorService scheduler, Runnable action, LongSupplier clock) {
        this.intervalNanos = unit.toNanos(interval);
        this.scheduler = scheduler;
        this.action = action;
        this.clock = clock;
        this.lastRun = clock.getAsLong() - intervalNanos;
    }

    /** Asks for a run: now if none ran within the interval, else at its end; one run answers many requests. */
    void request() {
        if (scheduler == null) {
            if (clock.getAsLong() - lastRun >= intervalNanos) {
                run();
            }
            return;
        }
        if (scheduled.compareAndSet(false, true)) {
            long wait = Math.max(0, lastRun + intervalNanos - clock.getAsLong());
            scheduler.schedule(this::run, wait, TimeUnit.NANOSECONDS);
        }
    }

    private void run() {
        lastRun = clock.getAsLong();
        // a request from here on schedules another run: nothing the action does not see is left behind
        scheduled.set(false);
        action.run();
    }
}
