package dev.finescope.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.finescope.analysis.Histogram;
import java.awt.Color;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.Range;
import org.jfree.data.category.CategoryDataset;
import org.jfree.data.xy.XYDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ranking, histogram and sparsity charts, and the dark chart style. */
class ChartsTest {

    private static final int VIRIDIS_MIDDLE = 0x21918c;
    private static final int VIRIDIS_LAST = 0xfde725;

    @TempDir
    Path dir;

    private static RankingChart.Data ranking() {
        return new RankingChart.Data("relative L2", "base", "tuned", List.of(
                new RankingChart.Entry("layer 1 · V", 1e-1),
                new RankingChart.Entry("layer 0 · Q", 1e-2),
                new RankingChart.Entry("layer 0 · K", 1e-3),
                new RankingChart.Entry("embeddings · Position", 0),
                new RankingChart.Entry("pooler", Double.NaN)));
    }

    private BufferedImage png(JFreeChart chart, int width, int height, ChartRenderingInfo info) throws Exception {
        Path file = dir.resolve("chart.png");
        ChartExport.png(chart, file, width, height, info);
        return ImageIO.read(file.toFile());
    }

    @Test
    void rankingKeepsTheOrderGivenAndPlotsLog10OfEachValue() {
        JFreeChart chart = RankingChart.create(ranking(), HeatmapChart.Scale.LOG, new Range(1e-3, 1e-1));
        CategoryDataset data = chart.getCategoryPlot().getDataset();
        assertEquals(List.of("layer 1 · V", "layer 0 · Q", "layer 0 · K"), data.getColumnKeys());
        assertEquals(-1.0, data.getValue(0, 0).doubleValue(), 1e-12);
        assertEquals(-3.0, data.getValue(0, 2).doubleValue(), 1e-12);
        String note = ((TextTitle) chart.getSubtitle(0)).getText();
        assertTrue(note.contains("1 undefined (NaN) left out"), note);
        assertTrue(note.contains("1 at 0, off the log scale"), note);
    }

    @Test
    void rankingIsADotPerMatrixAtItsValueInItsHeatmapColourWithNoBar() throws Exception {
        JFreeChart chart = RankingChart.create(ranking(), HeatmapChart.Scale.LOG, new Range(1e-3, 1e-1));
        assertTrue(chart.getCategoryPlot().getRenderer() instanceof org.jfree.chart.renderer.category.LineAndShapeRenderer);
        ChartRenderingInfo info = new ChartRenderingInfo();
        BufferedImage image = png(chart, 900, 300, info);
        CategoryPlot plot = chart.getCategoryPlot();
        Rectangle2D area = info.getPlotInfo().getDataArea();
        CategoryAxis axis = plot.getDomainAxis();
        var values = plot.getRangeAxis();
        int top = (int) axis.getCategoryMiddle(0, 3, area, plot.getDomainAxisEdge());
        int middle = (int) axis.getCategoryMiddle(1, 3, area, plot.getDomainAxisEdge());
        int atTop = (int) values.valueToJava2D(-1, area, plot.getRangeAxisEdge());
        int atMiddle = (int) values.valueToJava2D(-2, area, plot.getRangeAxisEdge());
        assertEquals(VIRIDIS_LAST, image.getRGB(atTop, top) & 0xffffff, "the furthest matrix's dot: the top colour");
        assertEquals(VIRIDIS_MIDDLE, image.getRGB(atMiddle, middle) & 0xffffff, "1e-2 sits halfway in decades");
        int left = (int) (area.getMinX() + 3);
        int between = (left + atMiddle) / 2;
        for (int x : new int[] {left, between}) {
            assertTrue((image.getRGB(x, middle) & 0xffffff) != VIRIDIS_MIDDLE, "no bar from the edge to the dot");
        }
        assertTrue(values.getLowerBound() < -3 && values.getUpperBound() > -1, "the ends have room for their dots");
    }

    @Test
    void linearRankingPlotsTheValuesThemselves() {
        JFreeChart chart = RankingChart.create(ranking(), HeatmapChart.Scale.LINEAR, new Range(0, 0.1));
        CategoryDataset data = chart.getCategoryPlot().getDataset();
        assertEquals(4, data.getColumnCount(), "zero has a place on a linear scale");
        assertEquals(0.1, data.getValue(0, 0).doubleValue(), 0);
    }

    private static Histogram histogram(Histogram.Values values, boolean log10, long... counts) {
        return new Histogram(values, log10, -1, 1, counts, 2, 1, log10 ? 5 : 0, 0,
                java.util.Arrays.stream(counts).sum() + 3 + (log10 ? 5 : 0));
    }

    @Test
    void histogramStepsStartAtEachBinsLowerEdgeAndCloseTheLastBin() {
        JFreeChart chart = HistogramChart.create("layer 0 · Q", List.of(
                new HistogramChart.Series("base", histogram(Histogram.Values.BASE, false, 1, 4, 2, 0)),
                new HistogramChart.Series("tuned", histogram(Histogram.Values.TUNED, false, 0, 3, 3, 1))));
        XYDataset data = chart.getXYPlot().getDataset();
        assertEquals(2, data.getSeriesCount());
        assertEquals(5, data.getItemCount(0));
        assertEquals(-1.0, data.getXValue(0, 0));
        assertEquals(-0.5, data.getXValue(0, 1));
        assertEquals(4.0, data.getYValue(0, 1));
        assertEquals(1.0, data.getXValue(1, 4));
        assertEquals(1.0, data.getYValue(1, 4), "the closing point repeats the last count");
        assertEquals("w", chart.getXYPlot().getDomainAxis().getLabel());
        String note = ((TextTitle) chart.getSubtitle(0)).getText();
        assertEquals("base: 10 values, 3 outside the range · tuned: 10 values, 3 outside the range", note);
    }

    @Test
    void logHistogramsSayWhereTheZerosWent() {
        JFreeChart chart = HistogramChart.create("Δ", List.of(
                new HistogramChart.Series("Δ", histogram(Histogram.Values.DELTA, true, 1, 1))));
        assertEquals("log₁₀|Δ|", chart.getXYPlot().getDomainAxis().getLabel());
        String note = ((TextTitle) chart.getSubtitle(0)).getText();
        assertTrue(note.contains("5 exact zeros not on the log axis"), note);
        assertEquals(1, chart.getSubtitleCount(), "one histogram needs no legend");
    }

    @Test
    void aHistogramChartNeedsAHistogram() {
        assertThrows(IllegalArgumentException.class, () -> HistogramChart.create("nothing", List.of()));
    }

    @Test
    void sparsityBarsAreInPercentAndMissingRowsStayEmpty() {
        JFreeChart chart = SparsityChart.create("zeros", List.of("embeddings", "layer 0", "pooler"), List.of(
                new SparsityChart.Series("base", new double[] {0, 0.001, 0}),
                new SparsityChart.Series("masks 10%", new double[] {0, 0.1, Double.NaN})));
        CategoryDataset data = chart.getCategoryPlot().getDataset();
        assertEquals(10.0, data.getValue(1, 1).doubleValue(), 1e-12);
        assertEquals(0.1, data.getValue(0, 1).doubleValue(), 1e-12);
        assertNull(data.getValue(1, 2));
        assertEquals(11.0, chart.getCategoryPlot().getRangeAxis().getUpperBound(), 1e-9);
    }

    @Test
    void darkStyleChangesTheFrameButNotTheData() throws Exception {
        GridData grid = HeatmapChartTest.sample();
        JFreeChart chart = ChartStyle.DARK.apply(HeatmapChart.create(grid, HeatmapChart.Scale.LOG));
        ChartRenderingInfo info = new ChartRenderingInfo();
        BufferedImage image = png(chart, 900, 400, info);
        assertEquals(ChartStyle.DARK.background().getRGB() & 0xffffff, image.getRGB(2, 2) & 0xffffff);
        assertEquals(ChartStyle.DARK.text(), chart.getTitle().getPaint());
        var plot = chart.getXYPlot();
        var area = info.getPlotInfo().getDataArea();
        int x = (int) plot.getDomainAxis().valueToJava2D(2, area, plot.getDomainAxisEdge());
        int y = (int) plot.getRangeAxis().valueToJava2D(1, area, plot.getRangeAxisEdge());
        assertEquals(VIRIDIS_LAST, image.getRGB(x, y) & 0xffffff, "cells keep their viridis colour");
        assertEquals(Color.WHITE, plot.getBackgroundPaint(), "the grid keeps the white ground its marks are drawn for");
        JFreeChart histogram = ChartStyle.DARK.apply(HistogramChart.create("h", List.of(
                new HistogramChart.Series("base", histogram(Histogram.Values.BASE, false, 1, 2)))));
        assertEquals(ChartStyle.DARK.background(), histogram.getXYPlot().getBackgroundPaint());
    }

    @Test
    void histogramCountsNeverGoNegativeAndCanBeOnALogAxis() throws Exception {
        Histogram nothing = new Histogram(Histogram.Values.DELTA, true, 0, 1, new long[] {0, 0, 0}, 0, 0, 12, 0, 12);
        JFreeChart empty = HistogramChart.create("head only", List.of(new HistogramChart.Series("Δ", nothing)));
        png(empty, 600, 400, null);
        var y = empty.getXYPlot().getRangeAxis();
        assertEquals(0, y.getLowerBound(), 0, "no negative counts");
        assertEquals(1, y.getUpperBound(), 0);
        assertTrue(!y.isTickLabelsVisible() && !empty.getXYPlot().getDomainAxis().isTickLabelsVisible(),
                "no made-up ticks");
        String note = ((TextTitle) empty.getSubtitle(0)).getText();
        assertTrue(note.contains("every value is exactly 0"), note);

        Histogram h = histogram(Histogram.Values.DELTA, false, 1, 400, 2, 0);
        JFreeChart log = HistogramChart.create("h", List.of(new HistogramChart.Series("Δ", h)), true,
                "x range: clipped");
        png(log, 600, 400, null);
        assertTrue(log.getXYPlot().getRangeAxis() instanceof org.jfree.chart.axis.LogAxis);
        assertTrue(log.getXYPlot().getRangeAxis().getLowerBound() > 0);
        assertEquals("x range: clipped", ((TextTitle) log.getSubtitle(1)).getText());
        JFreeChart linear = HistogramChart.create("h", List.of(new HistogramChart.Series("Δ", h)));
        png(linear, 600, 400, null);
        assertEquals(0, linear.getXYPlot().getRangeAxis().getLowerBound(), 0);
    }

    @Test
    void bothMaskMatricesColourMoreDifferentAsMoreColour() {
        List<String> runs = List.of("a", "b");
        // the same two masks: Hamming distance 0.1 between a and b, Jaccard overlap 0.8 of their zeros
        JFreeChart hamming = PairMatrixChart.create(runs, new double[][] {{0, 0.1}, {0.1, 0}},
                PairMatrixChart.Measure.DIFFERENCE, "Hamming", "share of bits that differ", "pairs", true);
        JFreeChart jaccard = PairMatrixChart.create(runs, new double[][] {{1, 0.8}, {0.8, 1}},
                PairMatrixChart.Measure.SIMILARITY, "Jaccard overlap", "overlap", "pairs", true);
        var h = (org.jfree.data.xy.XYZDataset) hamming.getXYPlot().getDataset();
        var j = (org.jfree.data.xy.XYZDataset) jaccard.getXYPlot().getDataset();
        assertEquals(0.0, h.getZValue(0, 0), 1e-12, "a run against itself: no difference");
        assertEquals(0.0, j.getZValue(0, 0), 1e-12, "… drawn the same in both");
        assertEquals(0.2, j.getZValue(0, 1), 1e-12, "overlap 0.8 drawn as distance 0.2");
        assertTrue(jaccard.getTitle().getText().contains("distance"), jaccard.getTitle().getText());
        var jp = (org.jfree.chart.renderer.xy.XYBlockRenderer) jaccard.getXYPlot().getRenderer();
        var hp = (org.jfree.chart.renderer.xy.XYBlockRenderer) hamming.getXYPlot().getRenderer();
        assertEquals(hp.getPaintScale().getPaint(0), jp.getPaintScale().getPaint(j.getZValue(0, 0)));
    }

    @Test
    void styledChartsWriteAxisNumbersAsTheViewsDo() {
        JFreeChart chart = ChartStyle.DARK.apply(HistogramChart.create("h", List.of(
                new HistogramChart.Series("Δ", histogram(Histogram.Values.DELTA, false, 1, 2)))));
        var x = (org.jfree.chart.axis.NumberAxis) chart.getXYPlot().getDomainAxis();
        assertEquals("1", x.getNumberFormatOverride().format(9.9986E-1));
        assertEquals("2e-5", x.getNumberFormatOverride().format(2.0E-5));
        JFreeChart heatmap = HeatmapChart.create(HeatmapChartTest.sample(), HeatmapChart.Scale.LOG);
        var rows = (org.jfree.chart.axis.SymbolAxis) heatmap.getXYPlot().getRangeAxis();
        assertEquals(null, rows.getNumberFormatOverride(), "grid axes keep their words");
    }

    @Test
    void svgOfARankingNamesEveryMatrix() throws Exception {
        Path svg = dir.resolve("ranking.svg");
        ChartExport.svg(RankingChart.create(ranking(), HeatmapChart.Scale.LOG, new Range(1e-3, 1e-1)), svg, 900,
                300);
        String text = Files.readString(svg, StandardCharsets.UTF_8);
        for (String label : List.of("layer 1 · V", "layer 0 · Q", "layer 0 · K", "Matrices ranked by relative L2")) {
            assertTrue(text.contains(label), () -> "SVG lacks '" + label + "'");
        }
        assertTrue(Color.WHITE.equals(ChartStyle.LIGHT.background()));
    }
}
