package dev.finescope.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * Long work that Ctrl-C (or a SIGTERM) asks to stop instead of killing: a shutdown hook sets the flag the work
 * checks, then holds the JVM open until the work has ended on a whole step or point and written what it had,
 * for at most a given time.
 */
final class CtrlC {

    private CtrlC() {
    }

    /** Work that checks {@code cancelled} at each step. */
    @FunctionalInterface
    interface Work<T> {
        T run(BooleanSupplier cancelled);
    }

    /** Runs {@code work}; a Ctrl-C during it sets its flag and waits up to {@code waitSeconds} for it to end. */
    static <T> T cancellable(String hookName, long waitSeconds, Work<T> work) {
        AtomicBoolean cancel = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            cancel.set(true);
            try {
                done.await(waitSeconds, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, hookName);
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return work.run(cancel::get);
        } finally {
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook is running and returns now that the work is done
            }
        }
    }
}
