package dev.finescope.ui.common;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.finescope.ui.testing.OnFx;
import javafx.beans.property.SimpleBooleanProperty;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.fx.ChartCanvas;
import org.jfree.chart.plot.XYPlot;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A chart pane that is not on screen keeps the newest chart and draws it when it is shown. */
class ChartPaneTest {

    @BeforeAll
    static void startFx() {
        OnFx.start();
    }

    @Test
    void aHiddenPaneDrawsTheNewestChartOnlyWhenShown() {
        OnFx.run(() -> {
            SimpleBooleanProperty shown = new SimpleBooleanProperty(false);
            ChartPane pane = new ChartPane();
            pane.drawOnlyWhile(shown);
            ChartCanvas canvas = (ChartCanvas) pane.canvas();
            JFreeChart first = new JFreeChart(new XYPlot());
            JFreeChart second = new JFreeChart(new XYPlot());
            pane.setChart(first);
            pane.setChart(second);
            assertNull(canvas.getChart(), "nothing drawn while hidden");
            assertSame(second, pane.getChart(), "the pane answers with the chart it will draw");

            shown.set(true);
            assertSame(second, canvas.getChart());
            JFreeChart third = new JFreeChart(new XYPlot());
            pane.setChart(third);
            assertSame(third, canvas.getChart(), "drawn at once while shown");

            shown.set(false);
            pane.setChart(null);
            assertNull(pane.getChart());
            assertSame(third, canvas.getChart(), "the old chart stays until shown again");
            shown.set(true);
            assertNull(pane.getChart());
        });
    }
}
