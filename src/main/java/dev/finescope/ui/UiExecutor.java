package dev.finescope.ui;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javafx.concurrent.Task;

/**
 * The one seam through which the app runs long work: views and view models hand it tasks, and tests replace
 * the pool with {@link #sameThread()} so a view model's work happens before the next line of the test.
 */
public interface UiExecutor {

    /** Runs the task in the background (or, for {@link #sameThread()}, at once). */
    <T> void execute(Task<T> task);

    /** A pool of {@code threads} daemon threads named {@code name-1}, {@code name-2} … */
    static UiExecutor pooled(String name, int threads) {
        AtomicInteger count = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, name + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        return new UiExecutor() {
            @Override
            public <T> void execute(Task<T> task) {
                pool.execute(task);
            }
        };
    }

    /** Runs every task synchronously on the calling thread (the FX thread in view-model tests). */
    static UiExecutor sameThread() {
        return new UiExecutor() {
            @Override
            public <T> void execute(Task<T> task) {
                task.run();
            }
        };
    }
}
