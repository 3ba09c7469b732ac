package dev.finescope.ui.testing;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;

/** What the screenshot tours share: work on the FX thread from the tour's thread, and waiting for a state. */
final class Tours {

    private Tours() {
    }

    /** Runs {@code body} on the FX thread and returns its value (a minute at most). */
    static <T> T fx(Callable<T> body) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        Platform.runLater(() -> {
            try {
                f.complete(body.call());
            } catch (Exception | Error e) {
                f.completeExceptionally(e);
            }
        });
        return f.get(60, TimeUnit.SECONDS);
    }

    /** Asks {@code condition} on the FX thread every 250 ms until it holds (ten minutes at most). */
    static void await(String what, Callable<Boolean> condition) throws Exception {
        long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (System.nanoTime() < end) {
            if (fx(condition)) {
                return;
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("gave up waiting for " + what);
    }
}
