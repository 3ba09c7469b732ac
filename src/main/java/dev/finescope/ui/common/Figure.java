package dev.finescope.ui.common;

import dev.finescope.chart.ChartTiles;
import java.util.List;
import java.util.function.Supplier;
import org.jfree.chart.JFreeChart;

/**
 * What a tab exports, copies or saves as a picture: fresh charts in the command line's light style (so that a
 * figure for a paper does not depend on the app's theme), tiled when the tab shows several.
 *
 * @param name     the suggested file name, without extension
 * @param charts   makes each chart anew; called off the FX thread
 * @param width    width of one tile in pixels
 * @param height   height of one tile in pixels
 * @param columns  tiles per row
 */
public record Figure(String name, List<Supplier<JFreeChart>> charts, int width, int height, int columns) {

    public Figure {
        charts = List.copyOf(charts);
    }

    /** One chart. */
    public static Figure of(String name, Supplier<JFreeChart> chart, int width, int height) {
        return new Figure(name, List.of(chart), width, height, 1);
    }

    /** Draws the charts; call off the FX thread. */
    public ChartTiles tiles() {
        return new ChartTiles(charts.stream().map(Supplier::get).toList(), width, height, columns);
    }

    /** A file name made of words a file system accepts. */
    public String fileName() {
        return name.replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("(^-+)|(-+$)", "");
    }
}
