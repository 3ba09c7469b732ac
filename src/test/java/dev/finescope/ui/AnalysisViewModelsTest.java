package dev.finescope.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.finescope.analysis.Analyzer;
import dev.finescope.analysis.Histogram;
import dev.finescope.analysis.Histograms;
import dev.finescope.analysis.LayerGrid;
import dev.finescope.analysis.Metric;
import dev.finescope.analysis.ModelComparison;
import dev.finescope.analysis.TensorComparison;
import dev.finescope.chart.ChartStyle;
import dev.finescope.chart.HeatmapChart;
import dev.finescope.checkpoint.GridColumn;
import dev.finescope.checkpoint.GridRow;
import dev.finescope.ui.common.CsvTable;
import dev.finescope.ui.common.Numbers;
import dev.finescope.ui.common.UiExecutor;
import dev.finescope.ui.common.Workspace;
import dev.finescope.ui.testing.RecordingDialogs;
import java.awt.image.BufferedImage;
import java.util.List;
import org.jfree.data.xy.XYDataset;
import org.jfree.data.xy.XYZDataset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The heatmap, ranking, details and histograms view models on the tiny workspace, run on the same thread. */
class AnalysisViewModelsTest {

    private final UiFixtures.ScratchPreferences prefs = new UiFixtures.ScratchPreferences();
    private final RecordingDialogs dialogs = new RecordingDialogs();
    private final Workspace workspace = new Workspace();
    private final UiExecutor executor = UiExecutor.sameThread();
    private final WorkspaceViewModel opener = new WorkspaceViewModel(workspace, executor, dialogs,
            prefs.preferences, ModelOpener.STANDARD, new Analyzer(2));
    private final HeatmapViewModel heatmap = new HeatmapViewModel(workspace, executor);
    private final RankingViewModel ranking = new RankingViewModel(workspace, executor, heatmap);
    private final DetailsViewModel details = new DetailsViewModel(workspace, executor, new Histograms(2));
    private final HistogramsViewModel histograms = new HistogramsViewModel(workspace, executor, new Histograms(2));
    private ModelComparison expected;

    @BeforeEach
    void openTheTinyWorkspace() {
        opener.openWorkspace(UiFixtures.tinyWorkspace());
        expected = UiFixtures.analyse(UiFixtures.tinyBase(), UiFixtures.tinyTuned(), "fine-tuned");
    }

    @AfterEach
    void close() {
        opener.closeWorkspace();
        prefs.close();
    }

    private static int presentCells(LayerGrid grid) {
        return grid.rows().stream().mapToInt(r -> grid.cells(r).size()).sum();
    }

    @Test
    void theHeatmapHasOneColouredCellPerTensorCellOfTheGrid() {
        HeatmapViewModel.Picture p = heatmap.pictureProperty().get();
        assertNotNull(p);
        assertEquals(1, p.panels().size());
        LayerGrid grid = LayerGrid.of(expected, false);
        XYDataset data = p.panels().get(0).chart().getXYPlot().getDataset();
        assertEquals(presentCells(grid), data.getItemCount(0));
        assertEquals(List.of(GridRow.EMBEDDINGS, GridRow.layer(0), GridRow.layer(1), GridRow.POOLER, GridRow.HEAD),
                p.panels().get(0).grid().rows());
        assertEquals(HeatmapChart.Scale.LOG, p.scale());
    }

    @Test
    void hoverGivesTheAnalysedValueOfTheCellUnderThePointer() {
        HeatmapViewModel.Panel panel = heatmap.pictureProperty().get().panels().get(0);
        heatmap.hover(panel, 2, 2);
        HeatmapViewModel.Hover hover = heatmap.hoverProperty().get();
        double value = LayerGrid.of(expected, false).cell(GridRow.layer(1), GridColumn.V).map(Metric.REL_L2::of)
                .orElseThrow();
        assertEquals(GridRow.layer(1), hover.row());
        assertEquals(GridColumn.V, hover.column());
        assertEquals(value, hover.value(), 0.0, "the same pass, the same bits");
        assertTrue(hover.text().contains("relative L2 = " + Numbers.metric(value)), hover.text());
        assertTrue(hover.text().contains("bert.encoder.layer.1.attention.self.value.weight  32 × 32"), hover.text());

        heatmap.hover(panel, 0, 5);
        assertNull(heatmap.hoverProperty().get(), "the embeddings row has no sixth cell");
    }

    @Test
    void aClickSelectsTheCellForEveryTab() {
        HeatmapViewModel.Panel panel = heatmap.pictureProperty().get().panels().get(0);
        heatmap.select(panel, 1, 5);
        assertEquals(GridRow.layer(0), workspace.selectedRowProperty().get());
        assertEquals(GridColumn.FFN_IN, workspace.selectedColumnProperty().get());

        assertEquals("layer 0 · feed-forward · in", details.titleProperty().get());
        TensorComparison t = expected.tensor("bert.encoder.layer.0.intermediate.dense.weight").orElseThrow();
        assertEquals(Metric.values().length, details.metrics().size());
        for (DetailsViewModel.MetricLine line : details.metrics()) {
            assertEquals(line.metric().of(t.metrics()), line.value(), 0.0, line.metric().id());
        }
        assertTrue(details.tensorsProperty().get().startsWith("64 × 32"), details.tensorsProperty().get());
        XYDataset histogram = details.histogramProperty().get().getXYPlot().getDataset();
        assertEquals(DetailsViewModel.HISTOGRAM_BINS + 1, histogram.getItemCount(0));
    }

    @Test
    void aNewMetricRedrawsWithItsOwnHonestScale() {
        heatmap.metricProperty().set(Metric.FRAC_CHANGED);
        HeatmapViewModel.Picture p = heatmap.pictureProperty().get();
        assertEquals(Metric.FRAC_CHANGED, p.metric());
        assertEquals(HeatmapChart.Scale.LINEAR, p.scale());
        assertEquals(0, p.range().getLowerBound());
        assertEquals(1, p.range().getUpperBound(), "shares always span 0 to 100 %");
        assertTrue(p.panels().get(0).chart().getTitle().getText().startsWith("fraction changed"));
    }

    @Test
    void comparingAllDrawsEveryModelOnOneSharedRange() {
        heatmap.compareAllProperty().set(true);
        HeatmapViewModel.Picture p = heatmap.pictureProperty().get();
        assertEquals(3, p.panels().size());
        assertTrue(p.shared());
        assertTrue(p.note().startsWith("3 fine-tuned models on one shared log colour scale"), p.note());
        double lo = Double.POSITIVE_INFINITY;
        double hi = 0;
        for (HeatmapViewModel.Panel panel : p.panels()) {
            XYZDataset d = (XYZDataset) panel.chart().getXYPlot().getDataset();
            for (int i = 0; i < d.getItemCount(0); i++) {
                double v = Math.pow(10, d.getZValue(0, i));
                if (v > 0) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        assertEquals(lo, p.range().getLowerBound(), lo * 1e-12);
        assertEquals(hi, p.range().getUpperBound(), hi * 1e-12);
        BufferedImage image = heatmap.figure().orElseThrow().tiles().image();
        assertEquals(2 * HeatmapChart.preferredSize(p.panels().get(0).data()).width, image.getWidth(),
                "two heatmaps per row in the exported figure");
        BufferedImage twice = heatmap.figure().orElseThrow().tiles().image(4);
        assertEquals(4 * image.getWidth(), twice.getWidth(), "exported at 4×");
        assertEquals(4 * image.getHeight(), twice.getHeight());
        // every exported tile carries the colour bar of the range the window shows
        for (var chart : heatmap.figure().orElseThrow().charts()) {
            var made = chart.get();
            var legend = java.util.stream.IntStream.range(0, made.getSubtitleCount()).mapToObj(made::getSubtitle)
                    .filter(t -> t instanceof org.jfree.chart.title.PaintScaleLegend).findFirst().orElseThrow();
            var axis = ((org.jfree.chart.title.PaintScaleLegend) legend).getAxis();
            assertEquals(Math.log10(p.range().getLowerBound()), axis.getLowerBound(), 1e-12);
            assertEquals(Math.log10(p.range().getUpperBound()), axis.getUpperBound(), 1e-12);
            assertTrue(axis.getLabel().startsWith(p.metric().changeLabel()), axis.getLabel());
        }
    }

    @Test
    void theDarkStyleReachesTheCharts() {
        heatmap.styleProperty().set(ChartStyle.DARK);
        assertEquals(ChartStyle.DARK.background(),
                heatmap.pictureProperty().get().panels().get(0).chart().getBackgroundPaint());
        assertEquals(java.awt.Color.WHITE, heatmap.figure().orElseThrow().charts().get(0).get().getBackgroundPaint(),
                "exports keep the light style of the command line");
    }

    @Test
    void theRankingFollowsTheAnalysisOrder() {
        RankingViewModel.Ranking r = ranking.rankingProperty().get();
        List<TensorComparison> order = LayerGrid.of(expected, false).ranking(Metric.REL_L2);
        assertEquals(order.stream().map(TensorComparison::name).toList(),
                r.matrices().stream().map(TensorComparison::name).toList());
        CsvTable table = ranking.table();
        assertEquals(order.size(), table.rows().size());
        assertEquals(order.get(0).name(), table.rows().get(0).get(1));

        heatmap.metricProperty().set(Metric.COSINE);
        assertEquals(Metric.COSINE, ranking.rankingProperty().get().metric(), "the ranking uses the heatmap's metric");
    }

    @Test
    void theRankingFilterKeepsTheMatricesHoldingEveryWordInRankOrder() {
        List<TensorComparison> order = LayerGrid.of(expected, false).ranking(Metric.REL_L2);
        ranking.filterProperty().set("1 VALUE");
        List<String> expectedNames = order.stream().map(TensorComparison::name)
                .filter(n -> n.contains("1") && n.contains("value")).toList();
        assertTrue(!expectedNames.isEmpty() && expectedNames.size() < order.size(), expectedNames.toString());
        assertEquals(expectedNames,
                ranking.rankingProperty().get().matrices().stream().map(TensorComparison::name).toList());
        assertEquals(expectedNames.size(), ranking.table().rows().size());

        ranking.filterProperty().set("nothing-is-called-this");
        RankingViewModel.Ranking none = ranking.rankingProperty().get();
        assertEquals(null, none.chart());
        assertEquals("No matrix of fine-tuned matches \"nothing-is-called-this\".", none.message());

        ranking.filterProperty().set("");
        assertEquals(order.size(), ranking.rankingProperty().get().matrices().size());
    }

    @Test
    void overlaidHistogramsCountEveryValueOfTheCellInBothModels() {
        histograms.viewProperty().set(HistogramsViewModel.View.WEIGHTS);
        histograms.robustProperty().set(false);
        workspace.selectCell(GridRow.layer(1), GridColumn.V);
        HistogramsViewModel.Result r = histograms.resultProperty().get();
        assertNotNull(r, histograms.messageProperty().get());
        assertEquals(2, r.chart().getXYPlot().getDataset().getSeriesCount());
        long base = 0;
        long tuned = 0;
        for (List<String> row : r.table().rows()) {
            base += Long.parseLong(row.get(2));
            tuned += Long.parseLong(row.get(3));
        }
        assertEquals(32 * 32, base);
        assertEquals(32 * 32, tuned);
    }

    @Test
    void theRobustRangeLeavesOutThePercentileTailsAndSaysHowMany() {
        histograms.viewProperty().set(HistogramsViewModel.View.DELTA);
        histograms.scopeProperty().set(HistogramsViewModel.Scope.MODEL);
        long expectedValues = LayerGrid.of(expected, false).rows().stream()
                .flatMap(row -> LayerGrid.of(expected, false).cells(row).stream())
                .flatMap(c -> c.measured().stream()).mapToLong(t -> t.metrics().numel()).sum();
        long counted = histograms.table().rows().stream().mapToLong(row -> Long.parseLong(row.get(2))).sum();
        long clipped = expectedValues - counted;
        assertTrue(clipped > 0 && clipped <= Math.ceil(expectedValues * 0.002) + 2, clipped + " clipped");
        String note = ((org.jfree.chart.title.TextTitle) histograms.resultProperty().get().chart().getSubtitle(1))
                .getText();
        assertTrue(note.contains("0.1–99.9th percentiles"), note);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {1, 3, 2},
                HistogramCountTask.percentiles(new long[] {1, 48, 50, 1}, 0, 4, 0.01, 0.99));
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {0, 4, 0},
                HistogramCountTask.percentiles(new long[] {1, 48, 50, 1}, 0, 4, 0.001, 0.999));
    }

    @Test
    void theDeltaHistogramOfTheWholeModelCountsEveryGridValue() {
        histograms.viewProperty().set(HistogramsViewModel.View.DELTA);
        histograms.robustProperty().set(false);
        histograms.scopeProperty().set(HistogramsViewModel.Scope.MODEL);
        long expectedValues = LayerGrid.of(expected, false).rows().stream()
                .flatMap(row -> LayerGrid.of(expected, false).cells(row).stream())
                .flatMap(c -> c.measured().stream()).mapToLong(t -> t.metrics().numel()).sum();
        long counted = histograms.table().rows().stream().mapToLong(row -> Long.parseLong(row.get(2))).sum();
        assertEquals(expectedValues, counted, "delta values are finite and the automatic range holds them all");
        assertEquals(Histogram.Values.DELTA.name(), "DELTA");
    }

    @Test
    void zerosPerLayerHaveOneRowPerGridRow() {
        histograms.viewProperty().set(HistogramsViewModel.View.SPARSITY);
        CsvTable table = histograms.table();
        assertEquals(List.of("embeddings", "0", "1", "pooler", "head"),
                table.rows().stream().map(r -> r.get(0)).toList());
    }

    @Test
    void withoutACellTheHistogramTabSaysWhatToDo() {
        assertNull(histograms.resultProperty().get());
        assertTrue(histograms.messageProperty().get().startsWith("Click a cell"),
                histograms.messageProperty().get());
    }
}
