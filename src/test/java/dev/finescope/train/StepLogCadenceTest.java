package dev.finescope.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The run log's step lines come by steps and by the clock. */
class StepLogCadenceTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void aSlowRunGetsALineAtLeastEveryThirtySeconds() {
        AtomicLong clock = new AtomicLong(0);
        StepLogCadence cadence = new StepLogCadence(clock::get);
        List<Long> logged = new ArrayList<>();
        // 17 s a step, as on a busy machine: step 50 would come after 14 minutes
        for (long step = 1; step <= 60; step++) {
            clock.addAndGet(17 * SECOND);
            if (cadence.due(step, 420)) {
                logged.add(step);
            }
        }
        assertEquals(List.of(1L, 3L, 5L, 7L, 9L, 11L), logged.subList(0, 6));
        for (int i = 1; i < logged.size(); i++) {
            assertEquals(true, (logged.get(i) - logged.get(i - 1)) * 17 <= 34, "a gap of " + logged);
        }
    }

    @Test
    void aFastRunLogsEveryFiftyStepsTheFirstAndTheLast() {
        AtomicLong clock = new AtomicLong(0);
        StepLogCadence cadence = new StepLogCadence(clock::get);
        List<Long> logged = new ArrayList<>();
        for (long step = 1; step <= 120; step++) {
            clock.addAndGet(SECOND / 10);
            if (cadence.due(step, 120)) {
                logged.add(step);
            }
        }
        assertEquals(List.of(1L, 50L, 100L, 120L), logged);
    }
}
