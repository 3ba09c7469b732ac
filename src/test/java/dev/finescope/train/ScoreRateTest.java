package dev.finescope.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ScoreRateTest {

    @Test
    void aRateBelowTheInitialScoresIsQuiet() {
        assertEquals(Optional.empty(), ScoreRate.warning(3, 0.01));
        assertEquals(Optional.empty(), ScoreRate.warning(0.02, 0.015));
    }

    @Test
    void aRateOfCOrMoreIsToldInTheLog() {
        assertEquals(Optional.of("warning: the mask scores' learning rate 0.0500 is not below their initial size "
                + "c = 0.0200: Adam's first step moves every score by about its rate, so it can rebuild every mask "
                + "from one batch's gradient signs; a rate between c/2 and c keeps the first steps small"),
                ScoreRate.warning(0.02, 0.05));
        assertTrue(ScoreRate.warning(0.02, 0.02).isPresent());
    }
}
