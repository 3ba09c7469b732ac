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
    private long periodStart;
    private long periodLongest;
    private long periodFrames;

    public StallMonitor(TaskTracker tracker) {
        this.tracker = tracker;
    }

    public static boolean requested() {
        return Boolean.getBoolean(PROPERTY);
    }

    @Override
    public void handle(long now) {
        boolean busy = !tracker.running().isEmpty();
        if (last != 0) {
            long gap = now - last;
            if (busy) {
                if (periodStart == 0) {
                    periodStart = last;
                }
                busyFrames++;
                periodFrames++;
                periodLongest = Math.max(periodLongest, gap);
                if (gap > longestBusy) {
                    longestBusy = gap;
                    if (gap >= REPORT_NANOS) {
                        LOGGER.info("FX thread stalled {} ms while background work ran", gap / 1_000_000);
                    }
                }
            } else {
                if (periodStart != 0) {
                    LOGGER.info("background work of {} ms: longest FX frame gap {} ms over {} frames",
                            (now - periodStart) / 1_000_000, millis(periodLongest), periodFrames);
                    periodStart = 0;
                    periodLongest = 0;
                    periodFrames = 0;
                }
                longestIdle = Math.max(longestIdle, gap);
            }
        }
        last = now;
    }

    private static String millis(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.1f", nanos / 1e6);
    }

    /** The longest gap between frames seen while work ran, in milliseconds. */
    public double longestBusyMillis() {
        return longestBusy / 1e6;
    }

    @Override
    public void stop() {
        super.stop();
        LOGGER.info("longest FX frame gap while background work ran: {} ms over {} frames; while idle: {} ms",
                millis(longestBusy), busyFrames, millis(longestIdle));
    }
}
