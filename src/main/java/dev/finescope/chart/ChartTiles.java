package dev.finescope.chart;

import dev.finescope.common.AtomicFiles;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.svg.SVGGraphics2D;

/**
 * Several charts drawn as one picture, tile by tile, row by row: small multiples (one heatmap per fine-tuned
 * model) export and copy as the single figure the user sees. One chart is one tile.
 */
public final class ChartTiles {

    private final List<JFreeChart> charts;
    private final int tileWidth;
    private final int tileHeight;
    private final int columns;

    /** {@code charts} in reading order, {@code columns} per row, each drawn {@code tileWidth × tileHeight}. */
    public ChartTiles(List<JFreeChart> charts, int tileWidth, int tileHeight, int columns) {
        if (charts.isEmpty() || tileWidth < 1 || tileHeight < 1 || columns < 1) {
            throw new IllegalArgumentException("tiles need at least one chart, a positive size and a column");
        }
        this.charts = List.copyOf(charts);
        this.tileWidth = tileWidth;
        this.tileHeight = tileHeight;
        this.columns = Math.min(columns, charts.size());
    }

    public int width() {
        return tileWidth * columns;
    }

    public int height() {
        return tileHeight * ((charts.size() + columns - 1) / columns);
    }

    /** Draws every tile onto {@code g2}, which covers {@link #width()} × {@link #height()}. */
    public void draw(Graphics2D g2) {
        for (int i = 0; i < charts.size(); i++) {
            Rectangle2D area = new Rectangle2D.Double((i % columns) * (double) tileWidth,
                    (i / columns) * (double) tileHeight, tileWidth, tileHeight);
            charts.get(i).draw(g2, area);
        }
    }

    /** The picture as an image, on white where no tile covers it. */
    public BufferedImage image() {
        return image(1);
    }

    /**
     * The picture drawn {@code scale} times larger (2 or 4 for print and high-density screens): the same layout,
     * words and colour bars, with {@code scale} × as many pixels each way.
     */
    public BufferedImage image(double scale) {
        if (!(scale > 0) || scale > 8) {
            throw new IllegalArgumentException("a picture scale between 0 and 8, not " + scale);
        }
        BufferedImage image = new BufferedImage((int) Math.round(width() * scale),
                (int) Math.round(height() * scale), BufferedImage.TYPE_INT_RGB);
        Graphics2D g2 = image.createGraphics();
        try {
            g2.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g2.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g2.setColor(Color.WHITE);
            g2.fillRect(0, 0, image.getWidth(), image.getHeight());
            g2.scale(scale, scale);
            draw(g2);
        } finally {
            g2.dispose();
        }
        return image;
    }

    public void png(Path file) throws IOException {
        png(file, 1);
    }

    /** Writes {@link #image(double)} as a PNG file. */
    public void png(Path file, double scale) throws IOException {
        BufferedImage image = image(scale);
        AtomicFiles.write(file, out -> ImageIO.write(image, "png", out));
    }

    public void svg(Path file) throws IOException {
        SVGGraphics2D g2 = new SVGGraphics2D(width(), height());
        draw(g2);
        byte[] svg = g2.getSVGDocument().getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(file, out -> out.write(svg));
    }
}
