package dev.finescope.ui.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javafx.application.Platform;
import javafx.concurrent.Task;
import org.junit.jupiter.api.Test;

class UiExecutorTest {

    private static Task<Integer> answer(List<String> seen) {
        Task<Integer> task = new Task<>() {
            @Override
            protected Integer call() {
                seen.add("call on " + Thread.currentThread().getName());
                updateProgress(1, 2);
                return 42;
            }
        };
        task.setOnSucceeded(e -> seen.add("succeeded with " + task.getValue()
                + (Platform.isFxApplicationThread() ? " on the FX thread" : " elsewhere")));
        return task;
    }

    @Test
    void sameThreadRunsTheCallHereAndReturnsAfterTheHandlersRan() {
        List<String> seen = new ArrayList<>();
        Task<Integer> task = answer(seen);
        UiExecutor.sameThread().execute(task);
        assertEquals(List.of("call on " + Thread.currentThread().getName(), "succeeded with 42 on the FX thread"),
                seen);
    }

    @Test
    void sameThreadReportsFailuresThroughTheFailedHandler() {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Task<Void> task = new Task<>() {
            @Override
            protected Void call() {
                throw new IllegalStateException("broken file");
            }
        };
        task.setOnFailed(e -> failure.set(task.getException()));
        UiExecutor.sameThread().execute(task);
        assertEquals("broken file", failure.get().getMessage());
    }

    @Test
    void sameThreadOnTheFxThreadRunsEverythingInline() throws Exception {
        UiExecutor.FxPlatform.ensureStarted();
        List<String> seen = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        Platform.runLater(() -> {
            UiExecutor.sameThread().execute(answer(seen));
            seen.add("returned");
            done.countDown();
        });
        assertTrue(done.await(10, TimeUnit.SECONDS));
        assertEquals(List.of("call on JavaFX Application Thread", "succeeded with 42 on the FX thread", "returned"),
                seen);
    }

    @Test
    void pooledRunsOnNamedDaemonThreads() throws Exception {
        UiExecutor.FxPlatform.ensureStarted();
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        Task<Integer> task = answer(seen);
        CountDownLatch done = new CountDownLatch(1);
        task.addEventHandler(javafx.concurrent.WorkerStateEvent.WORKER_STATE_SUCCEEDED, e -> done.countDown());
        UiExecutor.pooled("finescope-test", 1).execute(task);
        assertTrue(done.await(10, TimeUnit.SECONDS));
        assertEquals("call on finescope-test-1", seen.get(0));
    }
}
