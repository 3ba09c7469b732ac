package dev.finescope.ui.runs;

import dev.finescope.chart.CurveChart.Curve;
import dev.finescope.chart.CurveChart.Panel;
import dev.finescope.chart.CurveChart;
import dev.finescope.ui.common.UiExecutor;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.concurrent.Task;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.image.Image;
import org.jfree.chart.JFreeChart;

/**
 * A run's loss and metric curves as an image, drawn by the chart package that export uses, off the FX thread.
 * Requests that come while a picture is being drawn fold into one more drawing with the newest data, so a
 * run that reports many steps a second costs at most one drawing at a time.
 */
final class CurvesImage {

    /** What to draw: a copy of a run's points taken on the FX thread. */
    record Data(String title, String subtitle, List<double[]> loss, Map<String, List<double[]>> metrics,
            String emptyMessage, double smoothing) {

        Data(String title, String subtitle, List<double[]> loss, Map<String, List<double[]>> metrics) {
            this(title, subtitle, loss, metrics, "waiting for the first step", 0);
        }

        Data(String title, String subtitle, List<double[]> loss, Map<String, List<double[]>> metrics,
                String emptyMessage) {
            this(title, subtitle, loss, metrics, emptyMessage, 0);
        }
    }

    /**
     * The exponential moving average TensorBoard draws, with its start-up bias removed: {@code s_i = w·s_(i-1) +
     * (1-w)·y_i}, {@code s_0 = 0}, shown as {@code s_i / (1 - w^(i+1))}, so the first points are not pulled to zero.
     * {@code weight} 0 leaves the values as they are.
     */
    static double[] smooth(double[] y, double weight) {
        double[] out = new double[y.length];
        double last = 0;
        double debias = 1;
        for (int i = 0; i < y.length; i++) {
            last = weight * last + (1 - weight) * y[i];
            debias *= weight;
            out[i] = weight == 0 ? y[i] : last / (1 - debias);
        }
        return out;
    }

    private final UiExecutor executor;
    private final ReadOnlyObjectWrapper<Image> image = new ReadOnlyObjectWrapper<>(this, "image");
    private boolean drawing;
    private Request pending;

    private record Request(Data data, int width, int height) {
    }

    CurvesImage(UiExecutor executor) {
        this.executor = executor;
    }

    ReadOnlyObjectProperty<Image> imageProperty() {
        return image.getReadOnlyProperty();
    }

    /** Draws {@code data} at that size, now or after the drawing under way; null data clears the image. */
    void request(Data data, int width, int height) {
        if (data == null || width < 50 || height < 50) {
            pending = null;
            if (!drawing) {
                image.set(null);
            }
            return;
        }
        pending = new Request(data, width, height);
        if (!drawing) {
            drawNext();
        }
    }

    private void drawNext() {
        Request r = pending;
        pending = null;
        if (r == null) {
            return;
        }
        drawing = true;
        Task<Image> task = new Task<>() {
            @Override
            protected Image call() {
                BufferedImage b = chart(r.data()).createBufferedImage(r.width(), r.height());
                return SwingFXUtils.toFXImage(b, null);
            }
        };
        task.setOnSucceeded(e -> {
            drawing = false;
            image.set(task.getValue());
            drawNext();
        });
        task.setOnFailed(e -> {
            drawing = false;
            drawNext();
        });
        executor.execute(task);
    }

    /**
     * The chart of a run: the losses on top (training, and dev's at each evaluation: one unit, one axis), the other
     * dev metrics below on an axis of their own, when there are any; accuracy and a loss never share an axis.
     */
    static JFreeChart chart(Data d) {
        List<Panel> panels = new ArrayList<>();
        List<Curve> losses = new ArrayList<>();
        Curve raw = curve("training loss", d.loss(), false);
        if (d.smoothing() > 0 && raw.size() > 1) {
            losses.add(new Curve(String.format(java.util.Locale.ROOT, "training loss (smoothed %.2f)",
                    d.smoothing()), raw.x(), smooth(raw.y(), d.smoothing()), false));
            losses.add(new Curve("training loss (raw)", raw.x(), raw.y(), false));
        } else {
            losses.add(raw);
        }
        List<Curve> metricCurves = new ArrayList<>();
        d.metrics().forEach((name, points) -> {
            if (name.equals(LOSS) || name.endsWith("." + LOSS)) {
                losses.add(curve("dev " + name, points, true));
            } else {
                metricCurves.add(curve("dev " + name, points, true));
            }
        });
        panels.add(new Panel("loss", losses, d.emptyMessage()));
        if (!metricCurves.isEmpty()) {
            panels.add(new Panel(metricCurves.size() == 1 ? metricCurves.get(0).name() : "on dev", metricCurves,
                    null));
        }
        return CurveChart.create(d.title(), d.subtitle(), "step", panels);
    }

    /** The metric name of the dev loss in a run's evaluations. */
    static final String LOSS = "loss";

    private static Curve curve(String name, List<double[]> points, boolean markers) {
        double[] x = new double[points.size()];
        double[] y = new double[points.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = points.get(i)[0];
            y[i] = points.get(i)[1];
        }
        return new Curve(name, x, y, markers);
    }
}
