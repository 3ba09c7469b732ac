package dev.finescope.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RunProgressTest {

    private static RunEvent.Step step(long n, int secondsAfterStart) {
        return new RunEvent.Step(Events.T0.plusSeconds(secondsAfterStart), n, 100, 0, 0.5, 1e-5, 10);
    }

    @Test
    void beforeAnyStepOnlyThePlannedStepsAreKnown() {
        RunProgress p = RunProgress.of(List.of(Events.STARTED));
        assertEquals(new RunProgress(0, 6315, Optional.empty()), p);
        assertEquals(0.0, p.fraction());
    }

    @Test
    void theTimeLeftIsTheMeanStepTimeTimesTheStepsLeft() {
        // steps 1 → 11 took 20 s: 2 s a step; 89 steps left
        RunProgress p = RunProgress.of(List.of(Events.STARTED, step(1, 10), step(6, 20), step(11, 30)));
        assertEquals(11, p.step());
        assertEquals(100, p.totalSteps());
        assertEquals(Optional.of(Duration.ofSeconds(178)), p.remaining());
        assertEquals(0.11, p.fraction());
        assertEquals(Optional.of(Instant.parse("2025-03-01T12:02:58Z")),
                p.eta(Instant.parse("2025-03-01T12:00:00Z")));
    }

    @Test
    void oneStepIsNotEnoughToEstimate() {
        assertEquals(Optional.empty(), RunProgress.of(List.of(step(1, 3))).remaining());
    }
}
