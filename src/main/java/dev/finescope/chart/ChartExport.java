package dev.finescope.chart;

import java.awt.Rectangle;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.svg.SVGGraphics2D;

/**
 * Writes charts as PNG and SVG files, headless. A file appears complete or not at all: it is written under a
 * temporary name in the same folder and renamed into place.
 */
public final class ChartExport {

    /** Writes bytes to an open stream; the body of an atomic write. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private ChartExport() {
    }

    /** Draws the chart as a PNG of {@code width × height} pixels; {@code info}, if given, receives the layout. */
    public static void png(JFreeChart chart, Path file, int width, int height, ChartRenderingInfo info)
            throws IOException {
        writeAtomically(file, out -> ChartUtils.writeChartAsPNG(out, chart, width, height, info));
    }

    /** Draws the chart as an SVG document of {@code width × height} user units. */
    public static void svg(JFreeChart chart, Path file, int width, int height) throws IOException {
        SVGGraphics2D g2 = new SVGGraphics2D(width, height);
        chart.draw(g2, new Rectangle(width, height));
        byte[] svg = g2.getSVGDocument().getBytes(StandardCharsets.UTF_8);
        writeAtomically(file, out -> out.write(svg));
    }

    /**
     * Writes {@code file} through a temporary file in the same folder, then moves it into place atomically
     * (replacing an existing file); the temporary file is removed if anything fails.
     */
    public static void writeAtomically(Path file, Content content) throws IOException {
        Path target = file.toAbsolutePath();
        Path tmp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE))) {
                content.writeTo(out);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
