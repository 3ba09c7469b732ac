package dev.finescope.cli;

import dev.finescope.common.Progress;
import java.io.PrintWriter;

/** Progress of long commands as a percentage on standard error, at most one line per ten percent. */
final class ConsoleProgress implements Progress {

    private final PrintWriter err;
    private int lastDecile = -1;

    ConsoleProgress(PrintWriter err) {
        this.err = err;
    }

    @Override
    public synchronized void update(long done, long total, String what) {
        if (total <= 0) {
            return;
        }
        int decile = (int) Math.min(10, done * 10 / total);
        if (decile != lastDecile) {
            lastDecile = decile;
            err.println((decile * 10) + "% " + (what == null ? "" : what));
            err.flush();
        }
    }

    @Override
    public boolean isCancelled() {
        return false;
    }
}
