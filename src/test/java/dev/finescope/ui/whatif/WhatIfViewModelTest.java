package dev.finescope.ui.whatif;

import static dev.finescope.ui.whatif.WhatIfFixtures.CLASSIFIER;
import static dev.finescope.ui.whatif.WhatIfFixtures.CLASSIFIER_MODEL;
import static dev.finescope.ui.whatif.WhatIfFixtures.LAYERS;
import static dev.finescope.ui.whatif.WhatIfFixtures.LAYER_ENTRIES;
import static dev.finescope.ui.whatif.WhatIfFixtures.MASKS_05_MODEL;
import static dev.finescope.ui.whatif.WhatIfFixtures.MASKS_10_MODEL;
import static dev.finescope.ui.whatif.WhatIfFixtures.NO_HEAD_MODEL;
import static dev.finescope.ui.whatif.WhatIfFixtures.TASK;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.finescope.checkpoint.GridColumn;
import dev.finescope.checkpoint.GridRow;
import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.checkpoint.overlay.Models;
import dev.finescope.ui.common.UiExecutor;
import dev.finescope.ui.common.Workspace;
import dev.finescope.ui.testing.OnFx;
import dev.finescope.ui.testing.RecordingDialogs;
import dev.finescope.whatif.MatrixRef;
import dev.finescope.whatif.PairedChange;
import dev.finescope.whatif.PruneMethod;
import dev.finescope.whatif.Selection;
import dev.finescope.whatif.SweepPoint;
import dev.finescope.whatif.SweepSettings;
import dev.finescope.whatif.SweepSpec;
import dev.finescope.whatif.WhatIfSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.title.PaintScaleLegend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The What-if view model with a same-thread executor, driving the real {@code whatif} engine on the tiny
 * classifier of the training tests (2 layers; each layer's six matrices hold 4 · 1024 + 2 · 2048 = 8192 entries)
 * and its 12 dev sentences. The tiny classifier is also the workspace's base, so that reverting anything changes
 * nothing, exactly.
 */
class WhatIfViewModelTest {

    @TempDir
    Path dir;

    private Workspace workspace;
    private RecordingDialogs dialogs;
    private WhatIfViewModel vm;
    private ModelFolder base;
    private final AtomicInteger opened = new AtomicInteger();

    @BeforeAll
    static void startFx() {
        OnFx.start();
    }

    @BeforeEach
    void openTheTinyClassifier() {
        base = Models.open(CLASSIFIER);
        OnFx.run(() -> {
            workspace = new Workspace();
            dialogs = new RecordingDialogs();
            workspace.folderProperty().set(dir);
            workspace.baseProperty().set(base);
            workspace.dataProperty().set(TASK);
            vm = new WhatIfViewModel(workspace, UiExecutor.sameThread(), dialogs, (spec, progress) -> {
                opened.incrementAndGet();
                return WhatIfSession.open(spec, progress);
            });
            workspace.getTunedModels().setAll(NO_HEAD_MODEL, CLASSIFIER_MODEL);
        });
    }

    @AfterEach
    void close() {
        OnFx.run(() -> vm.close());
        base.close();
    }

    @Test
    void onlyModelsWithATaskHeadAreOfferedAndTheWorkspacesDataIsUsed() {
        OnFx.run(() -> {
            assertEquals(List.of(CLASSIFIER_MODEL), vm.models());
            assertEquals(CLASSIFIER_MODEL, vm.modelProperty().get());
            assertEquals(TASK, vm.dataProperty().get());
            assertEquals("", vm.blockerProperty().get());
            assertNull(vm.sessionProperty().get());
            assertEquals(0, opened.get(), "nothing opens before the first experiment");
        });
    }

    @Test
    void withoutDataTheBlockerAsksForItAndNothingOpens() {
        OnFx.run(() -> {
            workspace.dataProperty().set(null);
            assertTrue(vm.blockerProperty().get().contains("task data"), vm.blockerProperty().get());
            vm.pruneRevert().evaluatePrune();
            assertTrue(vm.pruneRevert().results().isEmpty());
            assertEquals(0, opened.get());
        });
    }

    @Test
    void pruningNothingGivesTheUneditedMetricExactly() {
        OnFx.run(() -> {
            vm.pruneRevert().prunePercentProperty().set(0);
            vm.pruneRevert().evaluatePrune();
            assertEquals(List.of(), dialogs.errors);
            assertEquals(1, vm.pruneRevert().results().size());
            PruneRevertViewModel.ResultRow row = vm.pruneRevert().results().get(0);
            assertEquals(row.baseline(), row.value());
            assertEquals(0.0, row.delta());
            assertEquals(0, row.zeroed());
            assertEquals(LAYERS * LAYER_ENTRIES, row.entries());
            assertEquals("tiny classifier", row.model());
            WhatIfViewModel.SessionInfo info = vm.sessionProperty().get();
            assertEquals("accuracy", info.metric());
            assertEquals(12, info.examples());
            assertEquals(LAYERS, info.layers());
            assertEquals(row.baseline(), info.baseline());
            assertTrue(info.canRevert());
            assertFalse(vm.busyBinding().get());
        });
    }

    @Test
    void pruningHalfOfEveryMatrixZeroesExactlyHalfOfItsEntries() {
        OnFx.run(() -> {
            vm.pruneRevert().prunePercentProperty().set(50);
            vm.pruneRevert().evaluatePrune();
            vm.pruneRevert().pruneSelectionProperty().set("layer:1");
            vm.pruneRevert().pruneMethodProperty().set(PruneMethod.RANDOM);
            vm.pruneRevert().evaluatePrune();
            assertEquals(List.of(), dialogs.errors);
            PruneRevertViewModel.ResultRow all = vm.pruneRevert().results().get(0);
            assertEquals(LAYER_ENTRIES, all.zeroed());
            assertEquals(2 * LAYER_ENTRIES, all.entries());
            PruneRevertViewModel.ResultRow top = vm.pruneRevert().results().get(1);
            assertEquals(LAYER_ENTRIES / 2, top.zeroed());
            assertEquals(LAYER_ENTRIES, top.entries());
            assertEquals(1, top.firstLayer(), "pruning layer 1 only recomputes from layer 1");
            assertTrue(top.experiment().contains("random (seed 42)"), top.experiment());
        });
    }

    @Test
    void theSessionOpensOnceForManyExperimentsAndAgainWhenItsSettingsChange() {
        OnFx.run(() -> {
            vm.pruneRevert().evaluatePrune();
            vm.pruneRevert().evaluatePrune();
            assertEquals(1, opened.get());
            vm.maxExamplesProperty().set(4);
            assertNull(vm.sessionProperty().get(), "the old session no longer describes what is evaluated");
            vm.pruneRevert().evaluatePrune();
            assertEquals(2, opened.get());
            assertEquals(4, vm.sessionProperty().get().examples());
            assertEquals(3, vm.pruneRevert().results().size());
        });
    }

    @Test
    void showingTheTabOpensTheSessionAheadOfTheFirstExperiment() {
        OnFx.run(() -> {
            vm.setShown(true);
            assertEquals(1, opened.get());
            assertEquals(12, vm.sessionProperty().get().examples());
            assertTrue(vm.pruneRevert().results().isEmpty(), "opening is no experiment");
            vm.pruneRevert().evaluatePrune();
            assertEquals(1, opened.get());
            vm.maxExamplesProperty().set(5);
            assertEquals(2, opened.get(), "a tab on screen opens the session of the new settings at once; " + vm.messageProperty().get());
            assertEquals(5, vm.sessionProperty().get().examples());
        });
    }

    @Test
    void revertingAModelThatIsItsOwnBaseChangesNothing() {
        OnFx.run(() -> {
            vm.pruneRevert().revertSelectionProperty().set("all");
            vm.pruneRevert().evaluateRevert();
            vm.pruneRevert().revertWholeLayersProperty().set(false);
            vm.pruneRevert().evaluateRevert();
            vm.pruneRevert().revertEachLayer();
            assertEquals(List.of(), dialogs.errors);
            assertEquals(2 + LAYERS, vm.pruneRevert().results().size());
            for (PruneRevertViewModel.ResultRow r : vm.pruneRevert().results()) {
                assertEquals(0.0, r.delta(), r.experiment());
            }
            PruneRevertViewModel.RevertPicture bars = vm.pruneRevert().revertPictureProperty().get();
            assertEquals(LAYERS, bars.points().size());
            assertTrue(bars.complete());
            assertEquals("Each layer reverted alone — tiny classifier", bars.chart().getTitle().getText());
        });
    }

    @Test
    void aSelectionTheModelLacksIsReportedInOneLine() {
        OnFx.run(() -> {
            vm.pruneRevert().pruneSelectionProperty().set("layer:7");
            vm.pruneRevert().evaluatePrune();
            assertTrue(vm.pruneRevert().results().isEmpty());
            assertEquals(1, dialogs.errors.size());
            String text = dialogs.errors.get(0).text();
            assertTrue(text.contains("7") && !text.contains("\n"), text);
            assertFalse(vm.busyBinding().get());
        });
    }

    @Test
    void aSweepDrawsOneHeatmapCellPerMatrixAndKeepsItsPointsInTheWorkspace() {
        OnFx.run(() -> {
            vm.sweep().sparsitiesProperty().set("10, 50");
            vm.sweep().runSweep();
            assertEquals(List.of(), dialogs.errors);
            SweepViewModel.SweepPicture p = vm.sweep().sweepPictureProperty().get();
            assertTrue(p.result().complete());
            assertEquals(LAYERS * 6 * 2, p.result().points().size());
            assertEquals(0.5, p.sparsity());
            assertEquals(List.of(0.1, 0.5), vm.sweep().sweepSparsities());
            assertEquals(LAYERS * 6, heatmapCells(p.heatmap()));
            assertEquals(LAYERS, curveCount(p.curves()));
            assertTrue(p.heatmap().getTitle().getText().startsWith("accuracy, each matrix pruned to 50 %"),
                    p.heatmap().getTitle().getText());
            Path csv = vm.sweep().sweepCsvProperty().get();
            assertEquals(dev.finescope.checkpoint.UserDirectories.workspaceOutputs(dir, "whatif"), csv.getParent());
            assertTrue(Files.isRegularFile(csv));
            assertEquals(LAYERS * 6 * 2, vm.sweep().sweepTable().rows().size());

            vm.sweep().shownSparsityProperty().set(0.1);
            SweepViewModel.SweepPicture at10 = vm.sweep().sweepPictureProperty().get();
            assertEquals(0.1, at10.sparsity());
            assertTrue(at10.heatmap().getTitle().getText().contains("pruned to 10 %"));
        });
    }

    @Test
    void aSweepBuildsItsChartsOnceAndEachPointWritesOneCell() {
        OnFx.run(() -> {
            Set<JFreeChart> heatmaps = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            vm.sweep().sweepPictureProperty().addListener((obs, was, now) -> heatmaps.add(now.heatmap()));
            vm.sweep().sparsitiesProperty().set("10, 50");
            vm.sweep().runSweep();
            SweepViewModel.SweepPicture p = vm.sweep().sweepPictureProperty().get();
            assertEquals(LAYERS * 6 * 2, p.result().points().size());
            assertEquals(1, heatmaps.size(), "one heatmap per sweep, changed in place");
            assertEquals(LAYERS * 6 * 2, p.charts().cellsWritten(), "one cell write per point");
            vm.sweep().shownSparsityProperty().set(0.1);
            assertEquals(p.heatmap(), vm.sweep().sweepPictureProperty().get().heatmap(), "another sparsity, same chart");
            assertEquals(LAYERS * 6 * 2, p.charts().cellsWritten());
        });
    }

    @Test
    void theSweepsColourScaleIsDeltaCentredOnTheUnprunedModelAndFixedBeforeTheFirstPoint() {
        OnFx.run(() -> {
            List<double[]> bounds = new ArrayList<>();
            vm.sweep().sweepPictureProperty().addListener((obs, was, now) -> bounds.add(legendBounds(now.heatmap())));
            vm.sweep().sparsitiesProperty().set("10, 90");
            vm.sweep().runSweep();
            WhatIfViewModel.SessionInfo info = vm.sessionProperty().get();
            assertEquals(0.5, info.chance(), "6 of the 12 dev sentences have each label");
            SweepCharts charts = vm.sweep().sweepPictureProperty().get().charts();
            assertEquals(info.baseline() - info.chance(), charts.range(), 1e-12,
                    "Δ runs down to the model at chance, and as far up");
            for (double[] b : bounds) {
                assertArrayEquals(new double[] {-1, 1}, b, 0, "the colour scale never moves");
            }
            double r = charts.range();
            assertEquals(new java.awt.Color(0xf7f7f7), charts.colourOf(0), "no change is the map's white");
            assertEquals(charts.colourOf(-r), charts.colourOf(-2 * r), "below chance: the end colour");
            assertEquals(-0.5, charts.position(-r / 4), 1e-12, "a square-root scale: a quarter of the range is half way");
            assertEquals(0.5, charts.position(r / 4), 1e-12, "and as far the other way");
            assertTrue(charts.colourOf(-r / 4).getBlue() > charts.colourOf(-r / 4).getRed(), "a loss is blue");
            assertTrue(charts.colourOf(r / 4).getRed() > charts.colourOf(r / 4).getBlue(), "a gain is red");
        });
    }

    @Test
    void cellsNotYetEvaluatedAreFlatGreyAndEvaluatedOnesTakeTheColourOfTheirChange() {
        OnFx.run(() -> {
            vm.sweep().sparsitiesProperty().set("40, 80");
            vm.sweep().shownSparsityProperty().set(0.8);
            vm.runningProperty().addListener((obs, was, task) -> {
                if (task != null) {
                    task.workDoneProperty().addListener((o, w, done) -> {
                        if (done.doubleValue() >= 6) {
                            vm.cancel();
                        }
                    });
                }
            });
            vm.sweep().runSweep();
            SweepViewModel.SweepPicture p = vm.sweep().sweepPictureProperty().get();
            assertFalse(p.result().complete());
            SweepCharts charts = p.charts();
            org.jfree.chart.ChartRenderingInfo info = new org.jfree.chart.ChartRenderingInfo();
            java.awt.image.BufferedImage image = p.heatmap().createBufferedImage(900, 520, info);
            java.awt.geom.Rectangle2D area = info.getPlotInfo().getDataArea();
            int seen = 0;
            int notYet = 0;
            for (int row = 0; row < LAYERS; row++) {
                for (int col = 0; col < 6; col++) {
                    // a quarter of a cell from its top left corner: clear of the centre's mark and the borders
                    int x = (int) (area.getX() + area.getWidth() * (col + 0.25) / 6);
                    int y = (int) (area.getY() + area.getHeight() * (row + 0.25) / LAYERS);
                    int rgb = image.getRGB(x, y) & 0xffffff;
                    SweepPoint q = charts.point(row, col);
                    if (q == null) {
                        notYet++;
                        assertEquals(SweepCharts.NOT_YET_PAINT.getRGB() & 0xffffff, rgb, "layer " + row + " col " + col);
                    } else {
                        seen++;
                        assertEquals(charts.colourOf(q.delta()).getRGB() & 0xffffff, rgb, "layer " + row + " col " + col);
                    }
                }
            }
            assertTrue(seen >= 3 && notYet >= 6, seen + " cells evaluated at 80 %, " + notYet + " not yet");
            assertTrue(((org.jfree.chart.title.TextTitle) p.heatmap().getSubtitle(1)).getText()
                    .contains("grey …: not yet evaluated"));
        });
    }

    @Test
    void theCurvesHaveALegendOfTheirLayersAndTheUnprunedLine() {
        OnFx.run(() -> {
            vm.sweep().sparsitiesProperty().set("50");
            vm.sweep().runSweep();
            JFreeChart curves = vm.sweep().sweepPictureProperty().get().curves();
            assertTrue(curves.getLegend() != null && curves.getLegend().isVisible());
            List<String> labels = new ArrayList<>();
            org.jfree.chart.LegendItemCollection items = curves.getPlot().getLegendItems();
            for (int i = 0; i < items.getItemCount(); i++) {
                labels.add(items.get(i).getLabel());
            }
            assertEquals(List.of("layer 0", "layer 1", "unpruned "
                    + WhatIfNumbers.sig3(vm.sessionProperty().get().baseline())), labels);
        });
    }

    private static PaintScaleLegend legend(JFreeChart chart) {
        for (int i = 0; i < chart.getSubtitleCount(); i++) {
            if (chart.getSubtitle(i) instanceof PaintScaleLegend l) {
                return l;
            }
        }
        throw new AssertionError("no colour legend");
    }

    private static double[] legendBounds(JFreeChart chart) {
        PaintScaleLegend l = legend(chart);
        return new double[] {l.getScale().getLowerBound(), l.getScale().getUpperBound()};
    }

    @Test
    void hoverOverTheSweepsHeatmapGivesTheExactValue() {
        OnFx.run(() -> {
            vm.sweep().sparsitiesProperty().set("50");
            vm.sweep().runSweep();
            SweepPoint q = point(vm.sweep().sweepPictureProperty().get().result().points(), 1, "V", 0.5);
            vm.sweep().hoverSweep(1, 2);
            String text = vm.sweep().sweepHoverProperty().get();
            assertTrue(text.startsWith("layer 1 · V pruned to 50 %: accuracy " + WhatIfNumbers.sig3(q.metric())),
                    text);
            PairedChange c = q.change();
            assertEquals(12, c.examples());
            if (c.flipped() == 0) {
                assertTrue(text.endsWith("no answer of the 12 examples changed"), text);
            } else {
                assertTrue(text.contains(c.lost() + " of 12 examples lost, " + c.gained() + " gained"), text);
                assertTrue(text.endsWith(c.significant() ? ")" : "within noise"), text);
            }
        });
    }

    @Test
    void aCancelledSweepKeepsItsPointsAndResumesToTheAnswerOfAWholeSweep() {
        OnFx.run(() -> {
            vm.sweep().sparsitiesProperty().set("30, 70");
            java.util.concurrent.atomic.AtomicBoolean cancelled = new java.util.concurrent.atomic.AtomicBoolean();
            vm.runningProperty().addListener((obs, was, task) -> {
                if (task != null && !cancelled.get()) {
                    task.workDoneProperty().addListener((o, w, done) -> {
                        if (done.doubleValue() >= 5 && !cancelled.getAndSet(true)) {
                            vm.cancel();
                        }
                    });
                }
            });
            vm.sweep().runSweep();
            SweepViewModel.SweepPicture stopped = vm.sweep().sweepPictureProperty().get();
            assertFalse(stopped.result().complete());
            assertTrue(stopped.result().points().size() >= 5 && stopped.result().points().size() < 24,
                    "points after the cancel: " + stopped.result().points().size());
            assertTrue(vm.messageProperty().get().contains("cancelled"), vm.messageProperty().get());
            assertFalse(vm.busyBinding().get());
            assertTrue(Files.isRegularFile(vm.sweep().sweepCsvProperty().get()));

            vm.sweep().runSweep();
            SweepViewModel.SweepPicture resumed = vm.sweep().sweepPictureProperty().get();
            assertTrue(resumed.result().complete());
            assertEquals(24, resumed.result().points().size());

            vm.sweep().resumeProperty().set(false);
            vm.sweep().runSweep();
            SweepViewModel.SweepPicture whole = vm.sweep().sweepPictureProperty().get();
            assertEquals(metrics(whole.result().points()), metrics(resumed.result().points()));
        });
    }

    @Test
    void masksOfTwoRunsCompareAsMatricesBesideTheirAccuracies() {
        OnFx.run(() -> {
            workspace.getTunedModels().setAll(MASKS_05_MODEL, MASKS_10_MODEL, CLASSIFIER_MODEL);
            assertEquals(List.of(MASKS_05_MODEL, MASKS_10_MODEL), vm.masks().maskCandidates());
            vm.pageProperty().set(WhatIfViewModel.Page.MASKS);
            assertTrue(vm.figure().isEmpty());
            vm.masks().compareMasks();
            assertEquals(List.of(), dialogs.errors);
            MasksViewModel.MaskPicture p = vm.masks().maskPictureProperty().get();
            double[][] h = p.comparison().hamming();
            double[][] j = p.comparison().jaccard();
            assertEquals(0.0, h[0][0]);
            assertEquals(1.0, j[1][1]);
            assertEquals(h[0][1], h[1][0]);
            assertTrue(h[0][1] > 0 && h[0][1] < 1, "masks at 5 % and 10 % differ somewhere: " + h[0][1]);
            assertEquals(4, heatmapCells(p.hamming()));
            assertEquals(List.of("masks 5 %", "masks 10 %"), vm.masks().maskRows().stream()
                    .map(MasksViewModel.MaskRow::label).toList());
            assertEquals(WhatIfFixtures.MASKS_05_ACCURACY, vm.masks().maskRows().get(0).accuracy());
            assertEquals(WhatIfFixtures.MASKS_10_ACCURACY, vm.masks().maskRows().get(1).accuracy());
            assertEquals(h[0][1], vm.masks().maskRows().get(0).meanHamming());
            assertEquals(List.of("run", "accuracy", "hamming: masks 5 %", "hamming: masks 10 %",
                    "jaccard: masks 5 %", "jaccard: masks 10 %"), vm.table().header());
            assertEquals(2, vm.table().rows().size());
            assertEquals(2, vm.figure().orElseThrow().charts().size());
        });
    }

    @Test
    void aModelComparedWithItselfHasTheSameRepresentationsAtEveryLayer() {
        OnFx.run(() -> {
            // the workspace's base is the tiny classifier itself: the same model on both sides
            assertEquals(List.of(NO_HEAD_MODEL), vm.representations().others(), "every model but the chosen one");
            assertNull(vm.representations().againstProperty().get(), "its base by default");
            vm.representations().sentencesProperty().set(6);
            vm.pageProperty().set(WhatIfViewModel.Page.REPRESENTATIONS);
            assertTrue(vm.figure().isEmpty());
            vm.representations().compare();
            assertEquals(List.of(), dialogs.errors);
            RepresentationsViewModel.CkaPicture p = vm.representations().pictureProperty().get();
            assertEquals(6, p.result().examples());
            assertEquals(WhatIfFixtures.LAYERS + 1, p.result().layers().size(), "the embeddings and each layer");
            for (var layer : p.result().layers()) {
                assertEquals(1.0, layer.ckaMean(), 1e-6, "layer " + layer.layer());
                assertEquals(0.0, layer.weightDistance(), "layer " + layer.layer());
                if (layer.layer() > 0) {
                    assertEquals(1.0, layer.ckaCls(), 1e-6, "layer " + layer.layer());
                }
            }
            assertTrue(Double.isNaN(p.result().layers().get(0).ckaCls()), "[CLS] is one vector after embedding");
            assertEquals(List.of("layer", "cka_cls", "cka_mean", "weight_rel_l2"), vm.table().header());
            assertEquals(WhatIfFixtures.LAYERS + 1, vm.table().rows().size());
            assertEquals(1, vm.figure().orElseThrow().charts().size());
            assertTrue(vm.messageProperty().get().startsWith("Representations of tiny against tiny on 6 sentences"),
                    vm.messageProperty().get());
        });
    }

    @Test
    void theEstimateFillsTheSweepsGridAndSaysHowWellItRanksTheMeasuredPoints() {
        OnFx.run(() -> {
            vm.sweep().sparsitiesProperty().set("30, 70");
            vm.sweep().estimate().run();
            SweepEstimate.EstimatePicture before = vm.sweep().estimate().pictureProperty().get();
            assertEquals(WhatIfFixtures.LAYERS * 6 * 2, before.estimate().points().size(),
                    "2 layers × 6 matrices × 2 sparsities");
            assertNull(before.agreement(), "no measured sweep to compare with yet");
            assertTrue(vm.sweep().estimate().shownProperty().get());
            assertTrue(before.heatmap().getTitle().getText().startsWith("ESTIMATED loss change at"),
                    before.heatmap().getTitle().getText());
            vm.sweep().runSweep();
            SweepEstimate.EstimatePicture after = vm.sweep().estimate().pictureProperty().get();
            assertEquals(24, after.agreement().points(), "every measured point has its estimate");
            assertTrue(after.agreement().rho() >= -1 && after.agreement().rho() <= 1, "ρ " + after.agreement());
            vm.sweep().estimate().hover(1, 0);
            assertTrue(vm.sweep().estimate().hoverProperty().get().matches("layer 1 · Q pruned to \\d+ %: estimated "
                    + "loss change [+-]\\d\\.\\d{4} .*; an estimate, not measured"),
                    vm.sweep().estimate().hoverProperty().get());
            assertEquals(List.of(), dialogs.errors);
        });
    }

    @Test
    void exportsTakeThePageTheUserLooksAt() {
        OnFx.run(() -> {
            vm.pruneRevert().evaluatePrune();
            vm.pageProperty().set(WhatIfViewModel.Page.PRUNE);
            assertTrue(vm.figure().isEmpty(), "no chart before revert-each-layer ran");
            assertEquals("experiment", vm.table().header().get(2));
            assertEquals(1, vm.table().rows().size());
            vm.pruneRevert().revertEachLayer();
            assertEquals(1, vm.figure().orElseThrow().charts().size());

            vm.pageProperty().set(WhatIfViewModel.Page.SWEEP);
            assertTrue(vm.figure().isEmpty());
            vm.sweep().sparsitiesProperty().set("50");
            vm.sweep().runSweep();
            assertEquals(2, vm.figure().orElseThrow().charts().size());
            assertEquals(List.of("model", "layer", "column", "sparsity", "metric", "value", "delta"),
                    vm.table().header());
        });
    }

    @Test
    void theHeatmapsSelectedMatrixBecomesThePruneSelection() {
        OnFx.run(() -> {
            workspace.selectCell(GridRow.layer(1), GridColumn.V);
            vm.pruneRevert().usePlotSelection();
            assertEquals(List.of(new MatrixRef(1, GridColumn.V)),
                    Selection.parse(vm.pruneRevert().pruneSelectionProperty().get(), LAYERS));
            workspace.selectCell(GridRow.EMBEDDINGS, GridColumn.WORD);
            vm.pruneRevert().usePlotSelection();
            assertEquals(1, dialogs.infos.size(), "the embeddings are not an encoder matrix");
            vm.pruneRevert().setPlanSelection(() -> List.of(dev.finescope.plan.MatrixCell.layer(0, GridColumn.FFN_IN),
                    dev.finescope.plan.MatrixCell.layer(1, GridColumn.Q)));
            vm.pruneRevert().usePlanSelection();
            assertEquals(List.of(new MatrixRef(0, GridColumn.FFN_IN), new MatrixRef(1, GridColumn.Q)),
                    Selection.parse(vm.pruneRevert().pruneSelectionProperty().get(), LAYERS));
        });
    }

    @Test
    void sparsitiesAreReadAsPercentagesInIncreasingOrder() {
        assertArrayEquals(new double[] {0.1, 0.3, 0.5}, SweepSettings.parseSparsities("50%, 10 30"));
        assertThrows(IllegalArgumentException.class, () -> SweepSettings.parseSparsities("120"));
        assertThrows(IllegalArgumentException.class, () -> SweepSettings.parseSparsities("ten"));
        assertThrows(IllegalArgumentException.class, () -> SweepSettings.parseSparsities(" , "));
    }

    @Test
    void eachSweepOfOtherSettingsKeepsItsPointsInAFileOfItsOwn() {
        OnFx.run(() -> {
            var session = vm.specNow().orElseThrow();
            SweepSpec defaults = SweepSpec.defaults();
            SweepSpec other = new SweepSpec(SweepSpec.Granularity.CELL, MatrixRef.matrixColumns(),
                    new double[] {0.5}, PruneMethod.MAGNITUDE, 42);
            Path a = vm.sweep().sweepCsvFor(session, defaults, "tiny classifier");
            assertEquals(dev.finescope.checkpoint.UserDirectories.workspaceOutputs(dir, "whatif"), a.getParent());
            assertTrue(a.getFileName().toString().startsWith("tiny-classifier-sweep-"), a.toString());
            assertEquals(a, vm.sweep().sweepCsvFor(session, SweepSpec.defaults(), "tiny classifier"));
            assertNotEquals(a, vm.sweep().sweepCsvFor(session, other, "tiny classifier"));
            assertNotEquals(a, vm.sweep().sweepCsvFor(session.withMaxExamples(4), defaults, "tiny classifier"));
        });
    }

    private static int heatmapCells(JFreeChart chart) {
        return ((XYPlot) chart.getPlot()).getDataset().getItemCount(0);
    }

    private static int curveCount(JFreeChart chart) {
        XYPlot plot = (XYPlot) ((CombinedDomainXYPlot) chart.getPlot()).getSubplots().get(0);
        return plot.getDataset().getSeriesCount();
    }

    private static SweepPoint point(List<SweepPoint> points, int layer, String column, double sparsity) {
        return points.stream().filter(p -> p.layer() == layer && p.column().equals(column)
                && p.sparsity() == sparsity).findFirst().orElseThrow();
    }

    private static Map<String, Double> metrics(List<SweepPoint> points) {
        Map<String, Double> out = new HashMap<>();
        for (SweepPoint p : points) {
            out.put(p.layer() + ":" + p.column() + "@" + p.sparsity(), p.metric());
        }
        return out;
    }
}
