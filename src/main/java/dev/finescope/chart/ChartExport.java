package dev.finescope.chart;

import dev.finescope.common.AtomicFiles;
import java.awt.Rectangle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.svg.SVGGraphics2D;

/**
 * Writes charts as PNG and SVG files, headless. A file appears complete or not at all: it is written under a
 * temporary name in the same folder and renamed into place.
 */
public final class ChartExport {

    private ChartExport() {
    }

    /** Draws the chart as a PNG of {@code width × height} pixels; {@code info}, if given, receives the layout. */
    public static void png(JFreeChart chart, Path file, int width, int height, ChartRenderingInfo info)
            throws IOException {
        AtomicFiles.write(file, out -> ChartUtils.writeChartAsPNG(out, chart, width, height, info));
    }

    /** Draws the chart as an SVG document of {@code width × height} user units. */
    public static void svg(JFreeChart chart, Path file, int width, int height) throws IOException {
        SVGGraphics2D g2 = new SVGGraphics2D(width, height);
        chart.draw(g2, new Rectangle(width, height));
        byte[] svg = g2.getSVGDocument().getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(file, out -> out.write(svg));
    }
}
