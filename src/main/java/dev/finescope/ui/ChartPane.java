package dev.finescope.ui;

import java.awt.geom.Point2D;
import java.awt.geom.Rectangle2D;
import java.util.Optional;
import javafx.scene.layout.StackPane;
import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.fx.ChartViewer;
import org.jfree.chart.fx.interaction.AbstractMouseHandlerFX;
import org.jfree.chart.plot.XYPlot;

/**
 * A JFreeChart on screen: the chart package's own chart, drawn by JFreeChart's JavaFX viewer, so the window
 * shows exactly what the command line writes. Zooming and the viewer's own menu are off (exports go through
 * the app's menu); a pointer position can be turned into plot coordinates.
 */
public final class ChartPane extends StackPane {

    private final ChartViewer viewer = new ChartViewer(null, false);

    public ChartPane() {
        viewer.getCanvas().setDomainZoomable(false);
        viewer.getCanvas().setRangeZoomable(false);
        viewer.getCanvas().setTooltipEnabled(false);
        for (String id : new String[] {"pan", "zoom", "scroll", "tooltip"}) {
            if (viewer.getCanvas().getMouseHandler(id) instanceof AbstractMouseHandlerFX handler) {
                handler.setEnabled(false);
            }
        }
        getChildren().add(viewer);
        getStyleClass().add("chart-pane");
    }

    /** Shows {@code chart}; null hides the chart. */
    public void setChart(JFreeChart chart) {
        if (chart != null) {
            viewer.setChart(chart);
        }
        viewer.setVisible(chart != null);
    }

    /** The chart shown, or null. */
    public JFreeChart getChart() {
        return viewer.isVisible() ? viewer.getChart() : null;
    }

    /** The node that receives pointer events over the chart. */
    public javafx.scene.Node canvas() {
        return viewer.getCanvas();
    }

    /**
     * The plot coordinates (x, y) of an XY chart under canvas point ({@code x}, {@code y}), if the point lies
     * inside the plot's data area as last drawn.
     */
    public Optional<Point2D> plotPoint(double x, double y) {
        JFreeChart chart = getChart();
        ChartRenderingInfo info = viewer.getCanvas().getRenderingInfo();
        if (chart == null || info == null || !(chart.getPlot() instanceof XYPlot plot)) {
            return Optional.empty();
        }
        Rectangle2D area = info.getPlotInfo().getDataArea();
        if (!area.contains(x, y)) {
            return Optional.empty();
        }
        return Optional.of(new Point2D.Double(
                plot.getDomainAxis().java2DToValue(x, area, plot.getDomainAxisEdge()),
                plot.getRangeAxis().java2DToValue(y, area, plot.getRangeAxisEdge())));
    }

    /** The canvas point at the centre of plot coordinates ({@code px}, {@code py}) as last drawn. */
    public Optional<Point2D> canvasPoint(double px, double py) {
        JFreeChart chart = getChart();
        ChartRenderingInfo info = viewer.getCanvas().getRenderingInfo();
        if (chart == null || info == null || !(chart.getPlot() instanceof XYPlot plot)) {
            return Optional.empty();
        }
        Rectangle2D area = info.getPlotInfo().getDataArea();
        return Optional.of(new Point2D.Double(
                plot.getDomainAxis().valueToJava2D(px, area, plot.getDomainAxisEdge()),
                plot.getRangeAxis().valueToJava2D(py, area, plot.getRangeAxisEdge())));
    }
}
