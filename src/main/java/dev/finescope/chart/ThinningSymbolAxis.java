package dev.finescope.chart;

import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.axis.AxisState;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.axis.ValueTick;
import org.jfree.chart.ui.RectangleEdge;

/**
 * A symbol axis (the rows or columns of a grid) that never prints one label over another: when the cells get
 * smaller than their labels, it labels every second, third … cell, starting with the first, and keeps the
 * others' places. Where it put its labels the last time it was drawn is kept for tests and tooltips.
 */
public final class ThinningSymbolAxis extends SymbolAxis {

    /** Room between two neighbouring labels, in pixels. */
    static final double GAP = 4;

    private transient List<Rectangle2D> lastLabels = List.of();
    private int lastStep = 1;

    public ThinningSymbolAxis(String label, String[] symbols) {
        super(label, symbols);
    }

    @Override
    @SuppressWarnings({"rawtypes", "unchecked"})
    public List refreshTicks(Graphics2D g2, AxisState state, Rectangle2D dataArea, RectangleEdge edge) {
        List ticks = super.refreshTicks(g2, state, dataArea, edge);
        boolean horizontal = RectangleEdge.isTopOrBottom(edge);
        FontMetrics fm = g2.getFontMetrics(getTickLabelFont());
        double extent = 0;
        for (String s : getSymbols()) {
            extent = Math.max(extent, horizontal ? fm.stringWidth(s) : fm.getAscent() + fm.getDescent());
        }
        double length = horizontal ? dataArea.getWidth() : dataArea.getHeight();
        double perCell = length / Math.max(1e-9, getRange().getLength());
        int step = Math.max(1, (int) Math.ceil((extent + GAP) / Math.max(1e-9, perCell)));
        List kept = new ArrayList<>();
        List<Rectangle2D> labels = new ArrayList<>();
        for (Object o : ticks) {
            ValueTick tick = (ValueTick) o;
            long index = Math.round(tick.getValue());
            if (index % step != 0) {
                continue;
            }
            kept.add(tick);
            String text = tick.getText();
            double w = fm.stringWidth(text);
            double h = fm.getAscent() + fm.getDescent();
            double at = valueToJava2D(tick.getValue(), dataArea, edge);
            labels.add(horizontal ? new Rectangle2D.Double(at - w / 2, 0, w, h)
                    : new Rectangle2D.Double(0, at - h / 2, w, h));
        }
        lastStep = step;
        lastLabels = List.copyOf(labels);
        return kept;
    }

    /** Where the labels were drawn along the axis (the other coordinate is 0), as last drawn. */
    public List<Rectangle2D> lastLabels() {
        return lastLabels;
    }

    /** 1 when every cell was labelled the last time, k when every k-th was. */
    public int lastStep() {
        return lastStep;
    }
}
