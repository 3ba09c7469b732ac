package dev.finescope.ui.testing;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import javafx.application.Platform;
import org.testfx.api.FxToolkit;

/**
 * Runs view-model test code on the FX thread, where view models live, with the headless toolkit started the
 * same way TestFX starts it (so both kinds of test share one JVM).
 */
public final class OnFx {

    private static final long TIMEOUT_S = 30;

    private OnFx() {
    }

    /** Starts the toolkit once. */
    public static void start() {
        try {
            FxToolkit.registerPrimaryStage();
        } catch (TimeoutException e) {
            throw new IllegalStateException("the JavaFX toolkit did not start", e);
        }
    }

    /** Test code that may throw. */
    @FunctionalInterface
    public interface Body {
        void run() throws Exception;
    }

    /** Runs {@code body} on the FX thread and waits; an assertion or exception there fails the caller. */
    public static void run(Body body) {
        call(() -> {
            body.run();
            return null;
        });
    }

    /**
     * Lets the FX thread run what is queued: a task's success and failure handlers come through
     * {@code Platform.runLater} even when the task ran on the FX thread, and may queue more.
     */
    public static void settle() {
        for (int i = 0; i < 3; i++) {
            run(() -> { });
        }
    }

    /** Computes {@code body} on the FX thread and returns its value. */
    public static <T> T call(Callable<T> body) {
        if (Platform.isFxApplicationThread()) {
            try {
                return body.call();
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        Platform.runLater(() -> {
            try {
                result.complete(body.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        try {
            return result.get(TIMEOUT_S, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the FX thread did not answer within " + TIMEOUT_S + " s", e);
        }
    }

    /** Waits until {@code condition}, checked on the FX thread, holds; fails naming {@code what} otherwise. */
    public static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!call(condition::getAsBoolean)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
    }
}
