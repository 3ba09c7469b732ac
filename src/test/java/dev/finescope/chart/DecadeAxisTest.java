package dev.finescope.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;
import org.jfree.chart.axis.AxisState;
import org.jfree.chart.axis.NumberTick;
import org.jfree.chart.ui.RectangleEdge;
import org.junit.jupiter.api.Test;

/**
 * The log legend's ticks read as the metric's values, each once: whole decades over a wide range, 1-2-5 over a
 * few decades, and evenly spaced values with enough digits to tell them apart inside one decade.
 */
class DecadeAxisTest {

    /** The tick labels of a legend axis over {@code [lo, hi]} in the metric's units. */
    private static List<String> ticks(double lo, double hi) {
        DecadeAxis axis = new DecadeAxis("relative L2 (log scale)");
        axis.setRange(Math.log10(lo), Math.log10(hi));
        BufferedImage image = new BufferedImage(600, 60, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = image.createGraphics();
        try {
            @SuppressWarnings("unchecked")
            List<NumberTick> ticks = axis.refreshTicks(g, new AxisState(), new Rectangle2D.Double(0, 0, 600, 20),
                    RectangleEdge.BOTTOM);
            return ticks.stream().map(NumberTick::getText).toList();
        } finally {
            g.dispose();
        }
    }

    @Test
    void aRangeOfManyDecadesHasATickPerDecade() {
        assertEquals(List.of("1e-6", "1e-5", "1e-4", "1e-3", "1e-2"), ticks(1e-6, 1.5e-2));
    }

    @Test
    void aRangeOfAFewDecadesHasOneTwoFiveTicks() {
        assertEquals(List.of("2e-4", "5e-4", "1e-3", "2e-3", "5e-3"), ticks(1.5e-4, 8e-3));
    }

    @Test
    void aRangeInsideOneDecadeHasDistinctEvenlySpacedTicks() {
        assertEquals(List.of("2.2e-3", "2.4e-3", "2.6e-3", "2.8e-3"), ticks(2.1e-3, 2.9e-3));
        assertEquals(List.of("2e-3", "4e-3", "6e-3", "8e-3"), ticks(1.8e-3, 9e-3));
    }

    @Test
    void aVeryNarrowRangeStillHasDistinctTicks() {
        assertEquals(List.of("6.95e-3", "6.96e-3", "6.97e-3", "6.98e-3"), ticks(6.941e-3, 6.982e-3));
    }
}
