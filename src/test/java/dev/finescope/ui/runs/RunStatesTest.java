package dev.finescope.ui.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.finescope.run.RunEvent;
import dev.finescope.run.RunStatus;
import dev.finescope.ui.common.TunedModel;
import dev.finescope.ui.testing.OnFx;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** How a run says where it stands: a failure on its chart, its accuracy against a baseline, its curves' axes. */
class RunStatesTest {

    private static final Instant T0 = Instant.parse("2026-01-31T14:05:00Z");
    private static final Path SAMPLE = Path.of("sample-models");

    @BeforeAll
    static void startFx() {
        OnFx.start();
    }

    @Test
    void aFailedRunsChartSaysItFailedAndWhy() {
        OnFx.run(() -> {
            RunItem run = new RunItem(Path.of("/runs/a"), "a");
            assertEquals("waiting for the first step", run.emptyCurveMessage());
            run.apply(new RunEvent.Failed(T0, "dev.tsv: no such file"));
            assertEquals("failed before the first step: dev.tsv: no such file", run.emptyCurveMessage());
            JFreeChart chart = CurvesImage.chart(new CurvesImage.Data("a", "failed", run.lossPoints(),
                    run.metricPoints(), run.emptyCurveMessage()));
            XYPlot loss = subplots(chart).get(0);
            assertEquals("failed before the first step: dev.tsv: no such file", loss.getNoDataMessage());
        });
    }

    @Test
    void devAccuracyAndDevLossNeverShareAnAxis() {
        List<double[]> loss = List.of(new double[] {1, 0.7}, new double[] {2, 0.6});
        Map<String, List<double[]>> dev = Map.of("accuracy", List.<double[]>of(new double[] {2, 0.8}),
                "loss", List.<double[]>of(new double[] {2, 0.5}));
        List<XYPlot> plots = subplots(CurvesImage.chart(new CurvesImage.Data("a", "", loss,
                new java.util.LinkedHashMap<>(new java.util.TreeMap<>(dev)))));
        assertEquals(2, plots.size());
        assertEquals(List.of("training loss", "dev loss"), seriesNames(plots.get(0)));
        assertEquals("loss", plots.get(0).getRangeAxis().getLabel());
        assertEquals(List.of("dev accuracy"), seriesNames(plots.get(1)));
        assertEquals("dev accuracy", plots.get(1).getRangeAxis().getLabel());
    }

    @Test
    void aRunAtChanceIsNoBetterThanTheHeadOnlyBaseline() {
        OnFx.run(() -> {
            RunItem run = new RunItem(Path.of("/runs/a"), "a");
            run.apply(new RunEvent.Finished(T0, 60, Map.of("accuracy", 0.513, "loss", 0.69), "overlay.safetensors"));
            run.compareWith(new Baseline(Baselines.HEAD_ONLY_BASELINE, 0.7844444444444445));
            assertEquals("accuracy 0.513 — no better than the head-only baseline (0.784)",
                    run.verdictProperty().get());
            run.compareWith(new Baseline(Baselines.MAJORITY_CLASS, 0.5));
            assertEquals("accuracy 0.513 — no better than the majority class (0.500)", run.verdictProperty().get());
            run.compareWith(new Baseline(Baselines.MAJORITY_CLASS, 0.4));
            assertEquals("accuracy 0.513 — 11.3 points above the majority class (0.400)",
                    run.verdictProperty().get());
            RunItem running = new RunItem(Path.of("/runs/b"), "b");
            running.compareWith(new Baseline(Baselines.MAJORITY_CLASS, 0.5));
            assertEquals("", running.verdictProperty().get());
        });
    }

    @Test
    void theSampleWorkspacesBaselineIsItsHeadOnlyModel() {
        List<TunedModel> tuned = List.of(
                new TunedModel("full fine-tune", SAMPLE.resolve("full/overlay.safetensors"), TunedModel.Kind.OVERLAY),
                new TunedModel("head only", SAMPLE.resolve("head-only/overlay.safetensors"), TunedModel.Kind.OVERLAY));
        assertEquals(Optional.of(new Baseline(Baselines.HEAD_ONLY_BASELINE, 0.7844444444444445)),
                Baselines.find(tuned, SAMPLE.resolve("data/uci-sentiment")));
        // without it, always answering the commonest label: 225 of the 450 dev sentences
        assertEquals(Optional.of(new Baseline(Baselines.MAJORITY_CLASS, 0.5)),
                Baselines.find(tuned.subList(0, 1), SAMPLE.resolve("data/uci-sentiment")));
        assertEquals(Optional.empty(), Baselines.find(List.of(), null));
    }

    @Test
    void theGpuIsOfferedOnlyWithACudaBuildOfPyTorch() {
        Properties none = new Properties();
        assertTrue(GpuSupport.whyNone(Map.of(), none).orElseThrow().contains("CPU library only"));
        assertEquals(Optional.empty(), GpuSupport.whyNone(Map.of("PYTORCH_FLAVOR", "cu128"), none));
        Properties cuda = new Properties();
        cuda.setProperty("PYTORCH_FLAVOR", "cu126");
        assertEquals(Optional.empty(), GpuSupport.whyNone(Map.of(), cuda));
    }

    @Test
    void aRunsNameSaysItsPlanSparsitySeedAndTime() {
        OnFx.run(() -> {
            LaunchViewModel form = new LaunchViewModel(new dev.finescope.ui.testing.RecordingDialogs(),
                    "sparsify encoder at 30% (edited)", "masks 30–70 %");
            String name = form.runName(T0);
            assertTrue(name.matches("SST-2 · sparsify encoder at 30% \\(edited\\) · seed 42 · \\d\\d:\\d\\d"), name);
            LaunchViewModel edited = new LaunchViewModel(new dev.finescope.ui.testing.RecordingDialogs(),
                    "full fine-tuning (edited)", "masks 30–70 %");
            assertTrue(edited.runName(T0).startsWith("SST-2 · full fine-tuning (edited) · masks 30–70 % · seed 42 · "),
                    edited.runName(T0));
        });
        assertEquals("masks 20 %", LaunchViewModel.sparsityOf(dev.finescope.plan.Presets.fullFineTuning()
                .with(dev.finescope.plan.MatrixCell.layer(0, dev.finescope.checkpoint.GridColumn.Q),
                        dev.finescope.plan.Action.sparsify(0.2))));
        assertEquals("", LaunchViewModel.sparsityOf(dev.finescope.plan.Presets.fullFineTuning()));
    }

    @Test
    void theLossCurveIsSmoothedAsTensorBoardDoes() {
        double[] s = CurvesImage.smooth(new double[] {1, 2, 3}, 0.5);
        assertEquals(1.0, s[0], 1e-12);
        assertEquals(1.25 / 0.75, s[1], 1e-12);
        assertEquals(2.125 / 0.875, s[2], 1e-12);
        assertEquals(List.of(1.0, 2.0, 3.0), java.util.Arrays.stream(CurvesImage.smooth(new double[] {1, 2, 3}, 0))
                .boxed().toList());
        List<double[]> loss = List.of(new double[] {1, 0.7}, new double[] {2, 0.6}, new double[] {3, 0.65});
        XYPlot plot = subplots(CurvesImage.chart(new CurvesImage.Data("a", "", loss, Map.of(), "", 0.9))).get(0);
        assertEquals(List.of("training loss (smoothed 0.90)", "training loss (raw)"), seriesNames(plot));
    }

    private static List<XYPlot> subplots(JFreeChart chart) {
        return ((CombinedDomainXYPlot) chart.getPlot()).getSubplots();
    }

    private static List<String> seriesNames(XYPlot plot) {
        List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < plot.getDataset().getSeriesCount(); i++) {
            names.add(String.valueOf(plot.getDataset().getSeriesKey(i)));
        }
        return names;
    }
}
