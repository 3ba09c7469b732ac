package dev.finescope.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.Color;
import org.junit.jupiter.api.Test;

class ColorMapsTest {

    @Test
    void viridisHasTheTwoHundredFiftySixPublishedColoursEndToEnd() {
        assertEquals(256, Viridis.size());
        assertEquals(0x440154, Viridis.rgb(0));
        assertEquals(0x3b528b, Viridis.rgb(64));
        assertEquals(0x21918c, Viridis.rgb(128));
        assertEquals(0x5ec962, Viridis.rgb(192));
        assertEquals(0xfde725, Viridis.rgb(255));
    }

    @Test
    void viridisClampsPositionsOutsideZeroToOne() {
        assertEquals(new Color(0x440154), Viridis.color(-3));
        assertEquals(new Color(0xfde725), Viridis.color(7));
    }

    @Test
    void divergingMapIsNeutralAtZeroAndBlueBelowRedAbove() {
        ColorMapPaintScale scale = DivergingColorMap.BLUE_WHITE_RED.centredOnZero(0.2);
        assertEquals(new Color(0xf7f7f7), scale.colorOf(0));
        assertEquals(new Color(0x053061), scale.colorOf(-0.2));
        assertEquals(new Color(0x67001f), scale.colorOf(0.2));
        assertEquals(new Color(0x67001f), scale.colorOf(5), "values past the bound take the end colour");
        // 0.02 lies halfway between the anchors 0xf7f7f7 (at 0) and 0xfddbc7 (at 0.04)
        assertEquals(new Color(0xfa, 0xe9, 0xdf), scale.colorOf(0.02));
    }

    @Test
    void paintScaleGivesWhiteToWhatALogScaleCannotPlace() {
        assertEquals(ColorMapPaintScale.OFF_SCALE_PAINT,
                new ColorMapPaintScale(Viridis.MAP, -3, -1).colorOf(Double.NEGATIVE_INFINITY));
    }

    @Test
    void paintScaleGivesNanItsOwnGrey() {
        assertEquals(ColorMapPaintScale.NAN_PAINT, new ColorMapPaintScale(Viridis.MAP, 0, 1).colorOf(Double.NaN));
    }

    @Test
    void paintScaleRefusesAnEmptyRange() {
        assertThrows(IllegalArgumentException.class, () -> new ColorMapPaintScale(Viridis.MAP, 1, 1));
    }

    @Test
    void decadeLabelsReadLikeNumbersInPapers() {
        assertEquals("1e-4", DecadeAxis.label(1, -4));
        assertEquals("5e-3", DecadeAxis.label(5, -3));
        assertEquals("1", DecadeAxis.label(1, 0));
        assertEquals("200", DecadeAxis.label(2, 2));
        assertEquals("1e5", DecadeAxis.label(1, 5));
    }
}
