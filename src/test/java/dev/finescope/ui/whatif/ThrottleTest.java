package dev.finescope.ui.whatif;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A throttle on a real scheduler: bounds that hold on a loaded machine too (a late run only lowers the count). */
class ThrottleTest {

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void aBurstOfRequestsRunsAtMostOncePerIntervalAndTheLastRunSeesTheLastRequest() throws Exception {
        AtomicLong latest = new AtomicLong();
        AtomicLong seen = new AtomicLong(-1);
        AtomicInteger runs = new AtomicInteger();
        Throttle t = new Throttle(100, TimeUnit.MILLISECONDS, scheduler, () -> {
            runs.incrementAndGet();
            seen.set(latest.get());
        });
        long start = System.nanoTime();
        int requests = 0;
        while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(800)) {
            latest.set(++requests);
            t.request();
            Thread.sleep(1);
        }
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        waitUntil(() -> seen.get() == latest.get());
        Thread.sleep(250);
        assertEquals(latest.get(), seen.get(), "the last run saw the last request: the latest wins");
        assertTrue(runs.get() <= elapsedMillis / 100 + 2, runs.get() + " runs for " + requests + " requests in "
                + elapsedMillis + " ms");
        assertTrue(runs.get() >= 2, "the burst was published while it went on, not only at its end: " + runs.get());
    }

    @Test
    void aLoneRequestRunsOnceAtOnceAndNothingRunsUnasked() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        Throttle t = new Throttle(10, TimeUnit.SECONDS, scheduler, runs::incrementAndGet);
        Thread.sleep(150);
        assertEquals(0, runs.get());
        t.request();
        waitUntil(() -> runs.get() == 1);
        Thread.sleep(150);
        assertEquals(1, runs.get(), "the first request of a quiet spell does not wait for the interval");
    }

    @Test
    void withoutASchedulerARequestRunsInlineOnlyWhenTheIntervalIsOver() {
        long[] now = {0};
        AtomicInteger runs = new AtomicInteger();
        Throttle t = new Throttle(100, TimeUnit.MILLISECONDS, null, runs::incrementAndGet, () -> now[0]);
        int[] expected = {1, 1, 1, 2, 2, 3};
        long[] at = {0, 50, 99, 100, 150, 250};
        for (int i = 0; i < at.length; i++) {
            now[0] = TimeUnit.MILLISECONDS.toNanos(at[i]);
            t.request();
            assertEquals(expected[i], runs.get(), "after the request at " + at[i] + " ms");
        }
    }

    private static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean() && System.nanoTime() < end) {
            Thread.sleep(5);
        }
    }
}
