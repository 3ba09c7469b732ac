package dev.finescope.ui.common;

import dev.finescope.common.Progress;
import java.util.concurrent.CancellationException;
import javafx.application.Platform;
import javafx.concurrent.Task;

/**
 * A {@link Task} whose work reports through the core's {@link Progress}: the core's updates become the task's
 * progress and message, and the core's {@code isCancelled} is the task's cancellation, so the cancel button
 * stops an analysis at the next tensor or chunk.
 */
public abstract class ProgressTask<T> extends Task<T> {

    private final String title;

    protected ProgressTask(String title) {
        this.title = title;
        if (Platform.isFxApplicationThread()) {
            updateTitle(title);
        }
    }

    /**
     * The title, readable from any thread (the task's own properties are FX-thread only, so the title property
     * is set only when the task is made on the FX thread, as the app makes them).
     */
    public final String title() {
        return title;
    }

    /** The whole task as one stage. */
    protected final Progress progress() {
        return stage(0, 1, null);
    }

    /**
     * Stage {@code index} of {@code count} equal stages: its own done/total fill that share of the task's bar,
     * and its messages are prefixed with {@code label} when one is given.
     */
    protected final Progress stage(int index, int count, String label) {
        return new Progress() {
            @Override
            public void update(long done, long total, String what) {
                double share = total > 0 ? Math.min(1, (double) done / total) : 0;
                updateProgress(index + share, count);
                if (what != null) {
                    updateMessage(label == null ? what : label + ": " + what);
                }
            }

            @Override
            public boolean isCancelled() {
                return ProgressTask.this.isCancelled();
            }
        };
    }

    /**
     * Cancels without interrupting the worker: the work stops at its next check of {@link Progress#isCancelled()},
     * and an interrupt would close the file channels of the models it reads (they are interruptible channels),
     * breaking the open workspace for every later read.
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        return super.cancel(false);
    }

    /** Stops the work here when the user cancelled. */
    protected final void checkCancelled() {
        if (isCancelled()) {
            throw new CancellationException(title + " cancelled");
        }
    }

    /** Sets the task's message from its own code. */
    protected final void say(String message) {
        updateMessage(message);
    }
}
