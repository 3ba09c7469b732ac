package dev.finescope.ui.common;

import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import javafx.application.Platform;
import javafx.concurrent.Task;

/**
 * The one way the app runs long work (opening models, analysing, building chart datasets): view models hand a
 * {@link Task} to this seam and never create threads, so the window never freezes and tests can swap in
 * {@link #sameThread()} to run the same view-model code deterministically.
 *
 * <p>Tasks report progress and check {@link Task#isCancelled()} at every tensor or chunk; their
 * {@code onSucceeded}/{@code onFailed}/{@code onCancelled} handlers run on the FX thread and are the only place
 * where results touch view-model properties.
 */
@FunctionalInterface
public interface UiExecutor {

    /** Starts {@code task}; returns at once (or, for {@link #sameThread()}, when the task and its handlers ran). */
    <T> void execute(Task<T> task);

    /** A pool of {@code threads} daemon threads named {@code name-1}, {@code name-2}…, for the running app. */
    static UiExecutor pooled(String name, int threads) {
        ExecutorService pool = Executors.newFixedThreadPool(threads, new NamedDaemonThreads(name));
        return new UiExecutor() {
            @Override
            public <T> void execute(Task<T> task) {
                pool.execute(task);
            }
        };
    }

    /**
     * Runs each task synchronously, for view-model tests. {@code Task} always delivers its state changes, and so
     * its handlers, through the FX application thread's queue; this executor starts the JavaFX platform if it is
     * not yet (headless under the test flags), runs the task's {@code call} on the calling thread, and returns
     * only after the FX thread has fired the task's handlers. On the FX thread itself it waits in a nested event
     * loop, except during a pulse (layout or animation), where JavaFX allows none: there the handlers follow
     * right after it. Otherwise, when {@code execute} returns, the task is done and its effects on view-model
     * properties are visible to the caller.
     */
    static UiExecutor sameThread() {
        return new UiExecutor() {
            @Override
            public <T> void execute(Task<T> task) {
                FxPlatform.ensureStarted();
                task.run();
                if (task.isCancelled()) {
                    // cancel(true) interrupts the thread that ran the task: here, the caller
                    Thread.interrupted();
                }
                FxPlatform.drain();
            }
        };
    }

    /** Thread names that say whose thread it is in a stack dump; daemon, so a closing window ends the app. */
    final class NamedDaemonThreads implements ThreadFactory {
        private final String name;
        private final AtomicInteger count = new AtomicInteger();

        NamedDaemonThreads(String name) {
            this.name = name;
        }

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, name + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    }

    /**
     * Starts the JavaFX platform for {@link #sameThread()} when nothing has started it yet; found with
     * {@link ServiceLoader}. Without one, {@link Platform#startup} starts it. A test harness that drives windows
     * (TestFX) provides one, so that the platform it drives is the one it started.
     */
    interface PlatformStarter {
        /** Starts the platform and returns when it runs. */
        void start();
    }

    /** Starting the FX platform outside an {@code Application}, and waiting for its queue to empty. */
    final class FxPlatform {
        private FxPlatform() {
        }

        public static void ensureStarted() {
            try {
                Platform.runLater(() -> { });
                return;
            } catch (IllegalStateException notStarted) {
                // start it below
            }
            Optional<PlatformStarter> starter = ServiceLoader.load(PlatformStarter.class).findFirst();
            if (starter.isPresent()) {
                starter.get().start();
                return;
            }
            CountDownLatch started = new CountDownLatch(1);
            try {
                Platform.startup(started::countDown);
                Platform.setImplicitExit(false);
            } catch (IllegalStateException alreadyRunning) {
                return;
            }
            await(started);
        }

        /**
         * Returns once everything queued on the FX thread before this call has run, including work that those
         * runnables did in nested event loops (tasks that handlers started on the FX thread).
         */
        static void drain() {
            if (Platform.isFxApplicationThread()) {
                if (!Platform.canStartNestedEventLoop()) {
                    // inside a pulse (layout, animation): the handlers run right after it, as for a pooled task
                    return;
                }
                Object key = new Object();
                Platform.runLater(() -> Platform.exitNestedEventLoop(key, null));
                Platform.enterNestedEventLoop(key);
                return;
            }
            CountDownLatch done = new CountDownLatch(1);
            Platform.runLater(new Runnable() {
                @Override
                public void run() {
                    if (Platform.isNestedLoopRunning()) {
                        Platform.runLater(this);
                    } else {
                        done.countDown();
                    }
                }
            });
            await(done);
        }

        private static void await(CountDownLatch latch) {
            try {
                latch.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the FX thread", e);
            }
        }
    }
}
