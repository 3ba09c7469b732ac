package dev.finescope.ui;

import javafx.animation.AnimationTimer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures how long the FX thread goes without drawing a frame while background work runs: the gaps between
 * animation pulses, which a blocked FX thread stretches. Switched on with {@code -Dfinescope.stallMonitor=true};
 * it logs each new longest gap and a summary when the app closes.
 */
public final class StallMonitor extends AnimationTimer {

    /** The system property that switches the monitor on. */
    public static final String PROPERTY = "finescope.stallMonitor";

    private static final Logger LOGGER = LoggerFactory.getLogger(StallMonitor.class);
    /** Gaps below this are ordinary frame pacing and not logged one by one. */
    private static final long REPORT_NANOS = 50_000_000L;

    private final TaskTracker tracker;
    private long last;
    private long longestBusy;
    private long longestIdle;
    private long busyFrames;

    public StallMonitor(TaskTracker tracker) {
        this.tracker = tracker;
    }

    public static boolean requested() {
        return Boolean.getBoolean(PROPERTY);
    }

    @Override
    public void handle(long now) {
        if (last != 0) {
            long gap = now - last;
            if (!tracker.running().isEmpty()) {
                busyFrames++;
                if (gap > longestBusy) {
                    longestBusy = gap;
                    if (gap >= REPORT_NANOS) {
                        LOGGER.info("FX thread stalled {} ms while background work ran", gap / 1_000_000);
                    }
                }
            } else {
                longestIdle = Math.max(longestIdle, gap);
            }
        }
        last = now;
    }

    /** The longest gap between frames seen while work ran, in milliseconds. */
    public double longestBusyMillis() {
        return longestBusy / 1e6;
    }

    @Override
    public void stop() {
        super.stop();
        LOGGER.info("longest FX frame gap while background work ran: {} ms over {} frames; while idle: {} ms",
                String.format(java.util.Locale.ROOT, "%.1f", longestBusy / 1e6), busyFrames,
                String.format(java.util.Locale.ROOT, "%.1f", longestIdle / 1e6));
    }
}
