package dev.finescope.common;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LatestTest {

    @Test
    void onlyTheNewestTicketIsCurrent() {
        Latest latest = new Latest();
        long first = latest.next();
        assertTrue(latest.isCurrent(first));
        long second = latest.next();
        assertFalse(latest.isCurrent(first));
        assertTrue(latest.isCurrent(second));
        latest.invalidate();
        assertFalse(latest.isCurrent(second));
    }
}
