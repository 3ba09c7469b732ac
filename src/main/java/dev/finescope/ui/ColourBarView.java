package dev.finescope.ui;

import java.awt.geom.Rectangle2D;
import javafx.scene.canvas.Canvas;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.Region;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.fx.FXGraphics2D;

/**
 * One colour bar on its own (the chart package's legend), as wide as the view: drawn once under small multiples
 * that share it, with the metric's definition as its tooltip. Hidden while there is no scale to show.
 */
public final class ColourBarView extends Region {

    /** Height of the bar with its ticks and label. */
    static final double HEIGHT = 58;

    private final Canvas canvas = new Canvas();
    private final Tooltip tooltip = new Tooltip();
    private PaintScaleLegend legend;

    public ColourBarView() {
        getChildren().add(canvas);
        setMinHeight(HEIGHT);
        setPrefHeight(HEIGHT);
        setMaxHeight(HEIGHT);
        tooltip.setWrapText(true);
        tooltip.setMaxWidth(480);
        Tooltip.install(this, tooltip);
        widthProperty().addListener(o -> draw());
        managedProperty().bind(visibleProperty());
    }

    /** Shows {@code legend} with {@code definition} one hover away; null hides the bar. */
    public void show(PaintScaleLegend legend, String definition) {
        this.legend = legend;
        tooltip.setText(definition);
        setVisible(legend != null);
        draw();
    }

    /** The legend shown, null when hidden. */
    public PaintScaleLegend legend() {
        return legend;
    }

    @Override
    protected void layoutChildren() {
        canvas.setWidth(getWidth());
        canvas.setHeight(HEIGHT);
        draw();
    }

    private void draw() {
        var g = canvas.getGraphicsContext2D();
        g.clearRect(0, 0, canvas.getWidth(), canvas.getHeight());
        if (legend == null || getWidth() < 10) {
            return;
        }
        double side = Math.max(20, Math.min(160, getWidth() * 0.12));
        FXGraphics2D g2 = new FXGraphics2D(g);
        g2.setRenderingHint(java.awt.RenderingHints.KEY_STROKE_CONTROL, java.awt.RenderingHints.VALUE_STROKE_PURE);
        g2.setRenderingHint(java.awt.RenderingHints.KEY_TEXT_ANTIALIASING,
                java.awt.RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        legend.draw(g2, new Rectangle2D.Double(side, 0, Math.max(10, getWidth() - 2 * side), HEIGHT));
    }
}
