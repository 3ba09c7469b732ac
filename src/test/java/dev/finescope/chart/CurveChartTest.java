package dev.finescope.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.finescope.chart.CurveChart.Curve;
import dev.finescope.chart.CurveChart.Panel;
import java.awt.image.BufferedImage;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYItemRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.Range;
import org.jfree.data.xy.XYDataset;
import org.junit.jupiter.api.Test;

class CurveChartTest {

    private static final Curve LOSS = new Curve("loss", new double[] {1, 2, 3}, new double[] {0.9, 0.6, 0.4}, false);
    private static final Curve ACCURACY = new Curve("accuracy", new double[] {3}, new double[] {0.75}, true);
    private static final Curve F1 = new Curve("f1", new double[] {3}, new double[] {0.7}, true);

    private static List<XYPlot> panels(JFreeChart chart) {
        return ((CombinedDomainXYPlot) chart.getXYPlot()).getSubplots();
    }

    @Test
    void panelsStackOverOneStepAxisWithEveryPointInPlace() {
        JFreeChart chart = CurveChart.create("run", "step", List.of(
                new Panel("loss", List.of(LOSS), null), new Panel("dev metric", List.of(ACCURACY, F1), null)));
        List<XYPlot> panels = panels(chart);
        assertEquals(2, panels.size());
        assertEquals("step", chart.getXYPlot().getDomainAxis().getLabel());
        XYDataset loss = panels.get(0).getDataset();
        assertEquals(1, loss.getSeriesCount());
        assertEquals(3, loss.getItemCount(0));
        assertEquals(2.0, loss.getXValue(0, 1));
        assertEquals(0.6, loss.getYValue(0, 1));
        XYDataset metrics = panels.get(1).getDataset();
        assertEquals(List.of("accuracy", "f1"), List.of(metrics.getSeriesKey(0), metrics.getSeriesKey(1)));
        assertEquals(0.75, metrics.getYValue(0, 0));
        assertEquals("dev metric", panels.get(1).getRangeAxis().getLabel());
    }

    @Test
    void everyCurveGetsItsOwnPaletteColourAndOnlySparseCurvesGetMarkers() {
        JFreeChart chart = CurveChart.create("run", "step", List.of(
                new Panel("loss", List.of(LOSS), null), new Panel("dev metric", List.of(ACCURACY, F1), null)));
        XYItemRenderer lossRenderer = panels(chart).get(0).getRenderer();
        XYItemRenderer metricRenderer = panels(chart).get(1).getRenderer();
        Set<Object> colours = new HashSet<>(List.of(lossRenderer.getSeriesPaint(0),
                metricRenderer.getSeriesPaint(0), metricRenderer.getSeriesPaint(1)));
        assertEquals(3, colours.size());
        assertEquals(CurveChart.PALETTE.get(0), lossRenderer.getSeriesPaint(0));
        assertFalse(((XYLineAndShapeRenderer) lossRenderer).getSeriesShapesVisible(0));
        assertTrue(((XYLineAndShapeRenderer) metricRenderer).getSeriesShapesVisible(0));
        assertTrue(chart.getLegend() != null, "three curves need a legend");
    }

    @Test
    void aLoneCurveHasNoLegendAndAnEmptyPanelSaysWhy() {
        JFreeChart chart = CurveChart.create("run", "step",
                List.of(new Panel("loss", List.of(new Curve("loss", new double[0], new double[0], false)),
                        "waiting for the first step")));
        assertEquals(null, chart.getLegend());
        assertEquals("waiting for the first step", panels(chart).get(0).getNoDataMessage());
    }

    @Test
    void drawsHeadlessWithTheLossColourOnTheCanvas() {
        JFreeChart chart = CurveChart.create("run", "step", List.of(new Panel("loss", List.of(LOSS), null)));
        BufferedImage image = chart.createBufferedImage(400, 300);
        int loss = CurveChart.PALETTE.get(0).getRGB() & 0xffffff;
        boolean found = false;
        for (int y = 0; y < image.getHeight() && !found; y++) {
            for (int x = 0; x < image.getWidth() && !found; x++) {
                found = (image.getRGB(x, y) & 0xffffff) == loss;
            }
        }
        assertTrue(found, "the loss line is drawn in its palette colour");
    }

    @Test
    void aFlatCurveGetsAReadableValueRange() {
        Curve flat = new Curve("loss", new double[] {1, 2, 3}, new double[] {0.5, 0.5, 0.5}, false);
        JFreeChart chart = CurveChart.create("run", "step", List.of(new Panel("loss", List.of(flat), null)));
        chart.createBufferedImage(400, 300);
        Range range = panels(chart).get(0).getRangeAxis().getRange();
        assertEquals(CurveChart.MIN_VALUE_RANGE, range.getLength(), 1e-12);
        assertEquals(0.5, range.getCentralValue(), 1e-12);
    }

    @Test
    void aCurveWithMoreStepsThanValuesIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Curve("loss", new double[] {1, 2}, new double[] {1}, false));
        assertEquals("curve 'loss' has 2 steps and 1 values", e.getMessage());
    }
}
