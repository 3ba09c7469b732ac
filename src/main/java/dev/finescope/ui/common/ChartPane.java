package dev.finescope.ui.common;

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
    private final javafx.beans.property.BooleanProperty drawing =
            new javafx.beans.property.SimpleBooleanProperty(this, "drawing", true);
    /** A chart set while not drawing, drawn when drawing resumes. */
    private JFreeChart pending;
    private boolean waiting;

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

    /**
     * Draws only while {@code shown} holds: a chart set while it does not is kept and drawn when it does, so a
     * tab that is not on screen does not draw on the FX thread each time its chart changes.
     */
    public void drawOnlyWhile(javafx.beans.value.ObservableBooleanValue shown) {
        drawing.bind(shown);
        drawing.addListener((obs, was, now) -> {
            if (now && waiting) {
                waiting = false;
                JFreeChart chart = pending;
                pending = null;
                show(chart);
            }
        });
    }

    /** Shows {@code chart}; null hides the chart. */
    public void setChart(JFreeChart chart) {
        if (!drawing.get()) {
            pending = chart;
            waiting = true;
            return;
        }
        show(chart);
    }

    private void show(JFreeChart chart) {
        if (chart != null) {
            viewer.setChart(chart);
        }
        viewer.setVisible(chart != null);
    }

    /** The chart shown, or to be shown once drawing resumes; null when none. */
    public JFreeChart getChart() {
        if (waiting) {
            return pending;
        }
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

    /** The plot's data area in canvas coordinates, as last drawn; empty before the first drawing. */
    public Optional<Rectangle2D> dataArea() {
        ChartRenderingInfo info = viewer.getCanvas().getRenderingInfo();
        return getChart() == null || info == null ? Optional.empty()
                : Optional.of((Rectangle2D) info.getPlotInfo().getDataArea().clone());
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
