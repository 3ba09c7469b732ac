package dev.finescope.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LinearScheduleTest {

    @Test
    void tenStepsWithTwoOfWarmUpRiseThenFallLinearly() {
        LinearSchedule s = LinearSchedule.of(10, 0.2);
        assertEquals(2, s.warmupSteps());
        double[] expected = {0.5, 1, 1, 7 / 8.0, 6 / 8.0, 5 / 8.0, 4 / 8.0, 3 / 8.0, 2 / 8.0, 1 / 8.0};
        for (int k = 1; k <= 10; k++) {
            assertEquals(expected[k - 1], s.scale(k), 1e-15, "step " + k);
        }
    }

    @Test
    void warmUpStepsRoundUpAndNoStepRunsAtRateZero() {
        LinearSchedule s = LinearSchedule.of(3, 0.1);
        assertEquals(1, s.warmupSteps());
        assertEquals(1, s.scale(1));
        assertEquals(1, s.scale(2));
        assertEquals(0.5, s.scale(3));
        assertEquals(1, LinearSchedule.of(1, 1).scale(1));
        assertEquals(1, LinearSchedule.of(4, 0).scale(1));
        assertEquals(0.25, LinearSchedule.of(4, 0).scale(4));
    }

    @Test
    void stepsOutsideTheScheduleAreRefused() {
        LinearSchedule s = LinearSchedule.of(3, 0);
        assertThrows(IllegalArgumentException.class, () -> s.scale(0));
        assertThrows(IllegalArgumentException.class, () -> s.scale(4));
        assertThrows(IllegalArgumentException.class, () -> LinearSchedule.of(0, 0.1));
    }
}
