package dev.finescope.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.finescope.analysis.Metric;
import dev.finescope.chart.GridData.Cell;
import dev.finescope.chart.GridData.Row;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.Range;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeatmapChartTest {

    /** Viridis entries 0, 128 and 255 as published (matplotlib's table rounded to 8 bits). */
    private static final int VIRIDIS_FIRST = 0x440154;
    private static final int VIRIDIS_MIDDLE = 0x21918c;
    private static final int VIRIDIS_LAST = 0xfde725;

    private static final int WIDTH = 900;
    private static final int HEIGHT = 400;

    @TempDir
    Path dir;

    /**
     * Embeddings: Word 1e-3, Position empty, TokenType NaN, EmbLN 0. Layer 0: Q 1e-4 (the smallest), K 1e-3,
     * V 1e-2 (the largest), AttnOut empty, the rest 2e-3. Head: 5e-3. On a log scale 1e-3 sits exactly halfway.
     */
    static GridData sample() {
        List<Cell> layer0 = new ArrayList<>(List.of(Cell.of(null, 1e-4), Cell.of(null, 1e-3),
                Cell.of(null, 1e-2), Cell.empty(null)));
        for (int i = 0; i < 4; i++) {
            layer0.add(Cell.of(null, 2e-3));
        }
        List<Row> rows = List.of(
                new Row("embeddings", List.of(Cell.of("Word", 1e-3), Cell.empty("Position"),
                        Cell.of("TokenType", Double.NaN), Cell.of("EmbLN", 0))),
                new Row("layer 0", layer0),
                new Row("head", List.of(Cell.of("Head", 5e-3))));
        return new GridData("relative L2", "base", "tuned", "cell = weight matrix",
                GridData.encoderColumnLabels(), rows);
    }

    private record Rendered(BufferedImage image, JFreeChart chart, ChartRenderingInfo info) {
        int rgbAt(double col, double row) {
            XYPlot plot = chart.getXYPlot();
            var area = info.getPlotInfo().getDataArea();
            int x = (int) Math.round(plot.getDomainAxis().valueToJava2D(col, area, plot.getDomainAxisEdge()));
            int y = (int) Math.round(plot.getRangeAxis().valueToJava2D(row, area, plot.getRangeAxisEdge()));
            return image.getRGB(x, y) & 0xffffff;
        }
    }

    private Rendered renderPng(JFreeChart chart) throws Exception {
        Path png = dir.resolve("heat.png");
        ChartRenderingInfo info = new ChartRenderingInfo();
        ChartExport.png(chart, png, WIDTH, HEIGHT, info);
        return new Rendered(ImageIO.read(png.toFile()), chart, info);
    }

    @Test
    void cellCentresHaveTheViridisColourOfTheirValueOnALogScale() throws Exception {
        Rendered r = renderPng(HeatmapChart.create(sample(), HeatmapChart.Scale.LOG));
        assertEquals(VIRIDIS_FIRST, r.rgbAt(0, 1), "layer 0 · Q holds the smallest value");
        assertEquals(VIRIDIS_MIDDLE, r.rgbAt(1, 1), "layer 0 · K sits halfway on the log scale");
        assertEquals(VIRIDIS_LAST, r.rgbAt(2, 1), "layer 0 · V holds the largest value");
    }

    @Test
    void linearScaleColoursByTheValueItself() throws Exception {
        Rendered r = renderPng(HeatmapChart.create(sample(), HeatmapChart.Scale.LINEAR, new Range(0, 2e-3), false));
        assertEquals(VIRIDIS_MIDDLE, r.rgbAt(1, 1), "1e-3 is halfway between 0 and 2e-3");
        assertEquals(VIRIDIS_LAST, r.rgbAt(2, 1), "1e-2 lies above the range and takes its top colour");
        assertEquals(VIRIDIS_FIRST, r.rgbAt(3 - 0.45, 0 - 0.3), "EmbLN is 0, the bottom of the range");
    }

    @Test
    void emptyCellIsHatchedGreyNotTheColourOfAnyValue() throws Exception {
        Rendered r = renderPng(HeatmapChart.create(sample(), HeatmapChart.Scale.LOG));
        int empty = r.rgbAt(3, 1);
        assertNotEquals(VIRIDIS_FIRST, empty);
        assertEquals(HeatmapChart.EMPTY_PAINT.getRGB() & 0xffffff, empty);
        assertEquals(HeatmapChart.EMPTY_PAINT.getRGB() & 0xffffff, r.rgbAt(1, 0), "embeddings · Position");
    }

    @Test
    void zeroOnALogScaleIsWhiteNotTheLowestColour() throws Exception {
        Rendered r = renderPng(HeatmapChart.create(sample(), HeatmapChart.Scale.LOG));
        int zero = r.rgbAt(3 - 0.45, 0 - 0.3);
        assertNotEquals(VIRIDIS_FIRST, zero, "EmbLN is 0: it did not move at all");
        assertEquals(ColorMapPaintScale.OFF_SCALE_PAINT.getRGB() & 0xffffff, zero);
    }

    @Test
    void inTheDarkThemeZeroAndEmptyCellsTakeTheDarkGroundNotGlaringWhite() throws Exception {
        JFreeChart chart = HeatmapChart.create(sample(), HeatmapChart.Scale.LOG,
                HeatmapChart.range(HeatmapChart.Scale.LOG, List.of(sample())), false, ChartStyle.DARK);
        Rendered r = renderPng(chart);
        for (int rgb : new int[] {r.rgbAt(3 - 0.45, 0 - 0.3), r.rgbAt(3, 1), r.rgbAt(1, 0), r.rgbAt(5, 2)}) {
            java.awt.Color c = new java.awt.Color(rgb);
            double luma = 0.299 * c.getRed() + 0.587 * c.getGreen() + 0.114 * c.getBlue();
            assertTrue(luma < 60, "a dark cell, not " + Integer.toHexString(rgb));
        }
        assertEquals(VIRIDIS_LAST, r.rgbAt(2, 1), "values keep their colours in every theme");
    }

    @Test
    void theColourBarLabelsItsEndsWithTheirValues() {
        var legend = HeatmapChart.colourBar("relative L2", HeatmapChart.Scale.LOG, new Range(6.3243e-4, 0.204641),
                ChartStyle.LIGHT);
        var axis = (org.jfree.chart.axis.ValueAxis) legend.getAxis();
        var image = new BufferedImage(10, 10, BufferedImage.TYPE_INT_RGB);
        var g2 = image.createGraphics();
        @SuppressWarnings("unchecked")
        List<org.jfree.chart.axis.ValueTick> ticks = axis.refreshTicks(g2, new org.jfree.chart.axis.AxisState(),
                new java.awt.geom.Rectangle2D.Double(0, 0, 600, 20), org.jfree.chart.ui.RectangleEdge.BOTTOM);
        assertEquals("6.32e-4", ticks.get(0).getText());
        assertEquals("2.05e-1", ticks.get(ticks.size() - 1).getText());
        assertTrue(ticks.stream().anyMatch(t -> t.getText().equals("1e-2")), "round values between the ends");
        var linear = HeatmapChart.colourBar("fraction changed", HeatmapChart.Scale.LINEAR, new Range(0, 1),
                ChartStyle.LIGHT);
        @SuppressWarnings("unchecked")
        List<org.jfree.chart.axis.ValueTick> linearTicks = ((org.jfree.chart.axis.ValueAxis) linear.getAxis())
                .refreshTicks(g2, new org.jfree.chart.axis.AxisState(), new java.awt.geom.Rectangle2D.Double(0, 0,
                        600, 20), org.jfree.chart.ui.RectangleEdge.BOTTOM);
        assertEquals("0", linearTicks.get(0).getText());
        assertEquals("1", linearTicks.get(linearTicks.size() - 1).getText());
    }

    @Test
    void aGridWhereNothingMovedHasNoInventedColourScale() {
        List<Row> rows = List.of(new Row("layer 0", List.of(Cell.of(null, 0), Cell.of(null, 0))),
                new Row("head", List.of(GridData.Cell.added("Head"))));
        GridData still = new GridData("relative L2", "base", "head only", "cell = weight matrix",
                GridData.encoderColumnLabels(), rows);
        assertTrue(still.allZero());
        assertTrue(still.anyAdded());
        JFreeChart chart = HeatmapChart.create(still, HeatmapChart.Scale.LOG);
        for (int i = 0; i < chart.getSubtitleCount(); i++) {
            assertTrue(!(chart.getSubtitle(i) instanceof org.jfree.chart.title.PaintScaleLegend), "no colour bar");
        }
        String note = ((org.jfree.chart.title.TextTitle) chart.getSubtitle(0)).getText();
        assertTrue(note.contains("every cell is 0: nothing moved"), note);
    }

    @Test
    void aSmallMultipleHasShortLabelsAndNeitherSubtitleNorColourBar() {
        JFreeChart chart = HeatmapChart.smallMultiple(sample(), HeatmapChart.Scale.LOG, new Range(1e-4, 1e-2),
                ChartStyle.LIGHT);
        assertEquals(0, chart.getSubtitleCount());
        assertEquals("tuned", chart.getTitle().getText());
        var columns = (org.jfree.chart.axis.SymbolAxis) chart.getXYPlot().getDomainAxis();
        assertEquals(List.of("Q", "K", "V", "AO", "LN1", "FFi", "FFo", "LN2"), List.of(columns.getSymbols()));
        var rows = (org.jfree.chart.axis.SymbolAxis) chart.getXYPlot().getRangeAxis();
        assertEquals(List.of("emb", "0", "head"), List.of(rows.getSymbols()));
    }

    @Test
    void labelsThinOutInsteadOfOverprintingWhenCellsAreTooSmall() throws Exception {
        List<Row> many = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            many.add(new Row("layer " + i, List.of(Cell.of(null, 1e-3 * (i + 1)))));
        }
        GridData tall = new GridData("relative L2", "base", "tuned", "cell = weight matrix",
                GridData.encoderColumnLabels(), many);
        JFreeChart chart = HeatmapChart.create(tall, HeatmapChart.Scale.LOG);
        ChartExport.png(chart, dir.resolve("tall.png"), 400, 260, null);
        var rows = (ThinningSymbolAxis) chart.getXYPlot().getRangeAxis();
        assertTrue(rows.lastStep() > 1, "every k-th row labelled");
        var labels = rows.lastLabels();
        for (int a = 0; a + 1 < labels.size(); a++) {
            assertTrue(!labels.get(a).intersects(labels.get(a + 1)), "labels " + a + " and " + (a + 1) + " overlap");
        }
    }

    @Test
    void nanCellIsPaintedInTheNanGrey() throws Exception {
        Rendered r = renderPng(HeatmapChart.create(sample(), HeatmapChart.Scale.LOG));
        // left of the centred "TokenType NaN" text, inside the cell
        assertEquals(ColorMapPaintScale.NAN_PAINT.getRGB() & 0xffffff, r.rgbAt(2 - 0.45, 0 - 0.3));
    }

    @Test
    void slotsOutsideARowStayBlank() throws Exception {
        Rendered r = renderPng(HeatmapChart.create(sample(), HeatmapChart.Scale.LOG));
        assertEquals(0xffffff, r.rgbAt(5, 2), "the head row has one cell; column FFN-in is not part of it");
    }

    @Test
    void svgCarriesTitleAxisLabelsAndCellLabels() throws Exception {
        Path svg = dir.resolve("heat.svg");
        ChartExport.svg(HeatmapChart.create(sample(), HeatmapChart.Scale.LOG), svg, WIDTH, HEIGHT);
        String text = Files.readString(svg, StandardCharsets.UTF_8);
        assertTrue(text.startsWith("<?xml") || text.startsWith("<svg"), "an SVG document");
        for (String label : List.of("relative L2 — tuned vs base", "embeddings", "layer 0", "head", "Q",
                "AttnOut", "FFN-in", "OutLN", "Word", "TokenType NaN", "EmbLN 0", "1e-3", "log scale",
                "hatched: nothing to compare")) {
            assertTrue(text.contains(label), () -> "SVG lacks '" + label + "'");
        }
    }

    @Test
    void logRangeIgnoresZerosAndNaN() {
        Range range = HeatmapChart.range(HeatmapChart.Scale.LOG, List.of(sample()));
        assertEquals(1e-4, range.getLowerBound());
        assertEquals(1e-2, range.getUpperBound());
    }

    @Test
    void sharedRangeSpansEveryChart() {
        GridData other = new GridData("relative L2", "base", "other", "cell = weight matrix",
                GridData.encoderColumnLabels(), List.of(new Row("layer 0", List.of(Cell.of(null, 0.5)))));
        Range range = HeatmapChart.range(HeatmapChart.Scale.LOG, List.of(sample(), other));
        assertEquals(1e-4, range.getLowerBound());
        assertEquals(0.5, range.getUpperBound());
        JFreeChart chart = HeatmapChart.create(other, HeatmapChart.Scale.LOG, range, true);
        String subtitle = ((TextTitle) chart.getSubtitle(0)).getText();
        assertTrue(subtitle.contains("shared"), subtitle);
        assertFalse(subtitle.contains("hatched"), "no cell of this chart is empty: " + subtitle);
    }

    @Test
    void aSingleValueStillGetsARangeToColourOver() {
        GridData one = new GridData("relative L2", "b", "t", "", List.of("Q"),
                List.of(new Row("layer 0", List.of(Cell.of(null, 1e-3)))));
        Range range = HeatmapChart.range(HeatmapChart.Scale.LOG, List.of(one));
        assertTrue(range.getLowerBound() < 1e-3 && range.getUpperBound() > 1e-3, range.toString());
        long texts = HeatmapChart.create(one, HeatmapChart.Scale.LOG).getXYPlot().getAnnotations().stream()
                .filter(a -> a instanceof XYTextAnnotation).count();
        assertEquals(0, texts, "a plain value cell carries no text");
    }

    @Test
    void sharesAreLinearDistancesAndOneMinusCosineLog() {
        assertEquals(HeatmapChart.Scale.LOG, HeatmapChart.defaultScale(Metric.REL_L2));
        assertEquals(HeatmapChart.Scale.LOG, HeatmapChart.defaultScale(Metric.ANGLE_RAD));
        assertEquals(HeatmapChart.Scale.LOG, HeatmapChart.defaultScale(Metric.COSINE));
        assertEquals(HeatmapChart.Scale.LINEAR, HeatmapChart.defaultScale(Metric.FRAC_CHANGED));
        assertEquals(new Range(0, 1), HeatmapChart.naturalRange(Metric.FRAC_ZERO).orElseThrow());
        assertTrue(HeatmapChart.naturalRange(Metric.L2).isEmpty());
    }
}
