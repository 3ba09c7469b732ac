package dev.finescope.chart;

import dev.finescope.whatif.RepresentationCka;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Where the representations moved beside where the weights moved, layer by layer: on top, the linear CKA of the two
 * models' hidden states on {@code [CLS]} and on the mean over tokens (1: the same representation up to rotation and
 * scale; lower: it changed); below, on the same layer axis, the relative L2 distance of the layer's weights. An
 * undefined CKA ({@code [CLS]} after the embeddings is one vector in every sentence) is a gap, not a point.
 */
public final class CkaChart {

    private CkaChart() {
    }

    public static JFreeChart create(RepresentationCka.Result r) {
        XYSeries cls = new XYSeries("CKA on [CLS]", true, false);
        XYSeries mean = new XYSeries("CKA on the mean over tokens", true, false);
        XYSeries weights = new XYSeries("weights: relative L2 of the layer's matrices", true, false);
        for (RepresentationCka.Layer l : r.layers()) {
            if (Double.isFinite(l.ckaCls())) {
                cls.add(l.layer(), l.ckaCls());
            }
            if (Double.isFinite(l.ckaMean())) {
                mean.add(l.layer(), l.ckaMean());
            }
            if (Double.isFinite(l.weightDistance())) {
                weights.add(l.layer(), l.weightDistance());
            }
        }
        XYSeriesCollection cka = new XYSeriesCollection();
        cka.addSeries(cls);
        cka.addSeries(mean);
        XYLineAndShapeRenderer lines = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < 2; i++) {
            lines.setSeriesPaint(i, CurveChart.PALETTE.get(i));
            lines.setSeriesStroke(i, new BasicStroke(1.8f));
        }
        NumberAxis ckaAxis = new NumberAxis("linear CKA (1 = same)");
        ckaAxis.setRange(0, 1.05);
        XYPlot top = new XYPlot(cka, null, ckaAxis, lines);

        XYSeriesCollection w = new XYSeriesCollection(weights);
        w.setIntervalWidth(0.6);
        XYBarRenderer bars = new XYBarRenderer();
        bars.setShadowVisible(false);
        bars.setBarPainter(new org.jfree.chart.renderer.xy.StandardXYBarPainter());
        bars.setSeriesPaint(0, CurveChart.PALETTE.get(2 % CurveChart.PALETTE.size()));
        NumberAxis weightAxis = new NumberAxis("weights, rel. L2");
        weightAxis.setNumberFormatOverride(NumberText.format());
        weightAxis.setAutoRangeIncludesZero(true);
        XYPlot bottom = new XYPlot(w, null, weightAxis, bars);

        NumberAxis layer = new NumberAxis("layer (0 = the embeddings' output)");
        layer.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        layer.setRange(-0.5, r.layers().size() - 0.5);
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(layer);
        plot.setGap(8);
        plot.add(top, 3);
        plot.add(bottom, 2);
        for (XYPlot p : new XYPlot[] {top, bottom}) {
            p.setBackgroundPaint(Color.WHITE);
            p.setDomainGridlinePaint(new Color(0xdddddd));
            p.setRangeGridlinePaint(new Color(0xdddddd));
        }
        JFreeChart chart = new JFreeChart("Representations against weights: " + r.first() + " vs " + r.second(),
                new Font("SansSerif", Font.BOLD, 15), plot, true);
        chart.addSubtitle(new TextTitle("linear CKA of the hidden states on " + r.examples() + " sentences; "
                + "below, how far the same layer's weights moved", new Font("SansSerif", Font.PLAIN, 12)));
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }
}
