package dev.finescope.ui.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.finescope.analysis.Metric;
import dev.finescope.checkpoint.GridColumn;
import dev.finescope.checkpoint.GridRow;
import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.plan.Action;
import dev.finescope.plan.BiasRule;
import dev.finescope.plan.MatrixCell;
import dev.finescope.plan.Plan;
import dev.finescope.plan.PlanCost;
import dev.finescope.plan.PlanJson;
import dev.finescope.plan.Presets;
import dev.finescope.ui.common.UiExecutor;
import dev.finescope.ui.testing.OnFx;
import dev.finescope.ui.testing.RecordingDialogs;
import dev.finescope.ui.testing.RecordingWorkspace;
import dev.finescope.ui.testing.TinyBert;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plan editor on the tiny BERT fixture (hidden 32, feed-forward 64, 2 layers, 100 word pieces, 64
 * positions, 2 token types, a pooler), with a same-thread executor. Its parameters, counted by hand:
 * <ul>
 * <li>embeddings: Word 3200, Position 2048, TokenType 64, EmbLN 32 + 32 → 5376;</li>
 * <li>a layer: Q, K, V, AttnOut 4 × (1024 + 32), AttnLN 64, FFN-in 2048 + 64, FFN-out 2048 + 32, OutLN 64
 *     → 8544, two layers 17088; encoder matrices 2 × 8192 = 16384 entries;</li>
 * <li>pooler 1024 + 32 = 1056; a two-label head 32 × 2 + 2 = 66.</li>
 * </ul>
 * Total 23586 parameters; a full fp32 copy is 94344 bytes. Attention per token at 128 tokens:
 * 2 · 2 layers · 128 · 32 = 16384 multiply-adds, so the encoder does 16384 + 16384 = 32768 per token.
 */
class PlanEditorViewModelTest {

    private static final long TOTAL = 23586;
    private static final long FULL_COPY = 94344;
    private static final double EXACT = 1e-12;

    @TempDir
    Path dir;

    private RecordingWorkspace workspace;
    private RecordingDialogs dialogs;
    private PlanEditorViewModel vm;
    private ModelFolder base;

    @BeforeAll
    static void startFx() {
        OnFx.start();
    }

    @BeforeEach
    void openTheTinyBase() {
        base = TinyBert.base();
        OnFx.run(() -> {
            workspace = new RecordingWorkspace();
            dialogs = new RecordingDialogs();
            workspace.baseProperty().set(base);
            vm = new PlanEditorViewModel(workspace, UiExecutor.sameThread(), dialogs);
        });
    }

    @AfterEach
    void close() {
        base.close();
    }

    private PlanCost cost() {
        return OnFx.call(() -> vm.costProperty().get());
    }

    @Test
    void theGridHasTheModelsRowsAndMatrixColumns() {
        OnFx.run(() -> {
            assertEquals(List.of(GridRow.EMBEDDINGS, GridRow.layer(0), GridRow.layer(1), GridRow.POOLER), vm.rows());
            assertEquals(List.of(GridColumn.Q, GridColumn.K, GridColumn.V, GridColumn.ATTN_OUT, GridColumn.FFN_IN,
                    GridColumn.FFN_OUT), vm.columns());
            assertTrue(vm.hasCell(new MatrixCell(GridRow.EMBEDDINGS, GridColumn.TOKEN_TYPE)));
            assertEquals("64 × 32", vm.shapeOf(MatrixCell.layer(1, GridColumn.FFN_IN)));
        });
    }

    @Test
    void aNewEditorStartsFromFullFineTuningAndPricesEveryParameter() {
        PlanCost c = cost();
        assertEquals(TOTAL, c.totalParameters());
        assertEquals(TOTAL, c.trainableParameters());
        assertEquals(FULL_COPY, c.overlayBytes());
        assertEquals(FULL_COPY, c.fullCopyBytes());
        assertEquals(0, c.entriesZeroed());
        OnFx.run(() -> {
            assertEquals("full fine-tuning", vm.planProperty().get().name());
            assertEquals("23,586 of 23,586 (100%)", vm.costTexts().trainableProperty().get());
            assertEquals("94.3 kB of 94.3 kB for a full copy (100%)", vm.costTexts().storedProperty().get());
            assertEquals("none", vm.costTexts().zeroedProperty().get());
            assertEquals("no masks", vm.costTexts().masksProperty().get());
        });
    }

    @Test
    void clickingACellWithTheSparsifyToolMasksItAndTheCostFollows() {
        MatrixCell q0 = MatrixCell.layer(0, GridColumn.Q);
        OnFx.run(() -> {
            vm.toolProperty().set(Action.Kind.SPARSIFY);
            vm.sparsityPercentProperty().set(25);
            vm.paint(q0);
            assertEquals(Action.sparsify(0.25), vm.actionOf(q0));
            assertEquals(Set.of(q0), vm.selection());
            assertEquals("full fine-tuning (edited)", vm.planProperty().get().name());
        });
        PlanCost c = cost();
        // Q's 1024 weights become 1024 scores; its bias (32) freezes with it under FOLLOW_MATRIX.
        assertEquals(TOTAL - 32, c.trainableParameters());
        assertEquals(1024, c.scoreParameters());
        // 4 bytes per trained entry, plus 1024 mask bits = 128 bytes.
        assertEquals(4 * (TOTAL - 1024 - 32) + 128, c.overlayBytes());
        assertEquals(256, c.entriesZeroed());
        assertEquals(256.0 / 32768, c.encoderFlopsSkipped(), EXACT);
        assertEquals(1024 * PlanCost.binaryEntropy(0.25) / 8, c.entropyCodedMaskBytes(), EXACT);
        OnFx.run(() -> {
            assertEquals("23,554 of 23,586 (99.9%), 1,024 of them mask scores",
                    vm.costTexts().trainableProperty().get());
            assertEquals("256 of 1,024 masked entries", vm.costTexts().zeroedProperty().get());
            assertEquals("0.78% of the encoder's multiply-adds", vm.costTexts().flopsProperty().get());
            assertEquals("104 B entropy-coded (128 B as bits)", vm.costTexts().masksProperty().get());
        });
    }

    @Test
    void aDragPaintsEveryCellItCrossesInOneUndoStep() {
        MatrixCell q = MatrixCell.layer(0, GridColumn.Q);
        MatrixCell k = MatrixCell.layer(0, GridColumn.K);
        MatrixCell v = MatrixCell.layer(0, GridColumn.V);
        OnFx.run(() -> {
            vm.toolProperty().set(Action.Kind.FREEZE);
            vm.startStroke(q);
            vm.extendStroke(k);
            vm.extendStroke(v);
            for (MatrixCell c : List.of(q, k, v)) {
                assertEquals(Action.FREEZE, vm.actionOf(c), c.describe());
            }
            assertEquals(Set.of(q, k, v), vm.selection());
            vm.undo();
            for (MatrixCell c : List.of(q, k, v)) {
                assertEquals(Action.FINE_TUNE, vm.actionOf(c), c.describe());
            }
            assertFalse(vm.canUndoProperty().get());
        });
        // Three frozen 1024-entry matrices and their 32-entry biases.
        assertEquals(TOTAL, cost().trainableParameters());
    }

    @Test
    void freezingTheEmbeddingsRowEqualsTheFreezeEmbeddingsPreset() {
        OnFx.run(() -> {
            vm.toolProperty().set(Action.Kind.FREEZE);
            vm.paintRow(GridRow.EMBEDDINGS);
        });
        // Word, Position and TokenType freeze, and EmbLN with them: no matrix of the row trains.
        assertEquals(TOTAL - 5376, cost().trainableParameters());
        OnFx.run(vm::applyFreezeEmbeddings);
        assertEquals(TOTAL - 5376, cost().trainableParameters());
        OnFx.run(() -> assertEquals("freeze embeddings", vm.planProperty().get().name()));
    }

    @Test
    void aColumnHeaderPaintsThatMatrixInEveryLayerOnly() {
        OnFx.run(() -> {
            vm.toolProperty().set(Action.Kind.FREEZE);
            vm.paintColumn(GridColumn.FFN_IN);
            assertEquals(Set.of(MatrixCell.layer(0, GridColumn.FFN_IN), MatrixCell.layer(1, GridColumn.FFN_IN)),
                    vm.selection());
            assertEquals(Action.FINE_TUNE, vm.actionOf(MatrixCell.layer(0, GridColumn.FFN_OUT)));
        });
        // 2 × (2048 + 64) frozen.
        assertEquals(TOTAL - 4224, cost().trainableParameters());
    }

    @Test
    void theSliderSparsifiesTheSelectionAndOneGestureIsOneUndoStep() {
        OnFx.run(() -> {
            vm.toolProperty().set(Action.Kind.FREEZE);
            vm.paintAll();
            vm.sparsityPercentProperty().set(40);
            vm.sparsityPercentProperty().set(50);
            assertEquals(Action.Kind.SPARSIFY, vm.toolProperty().get());
            for (MatrixCell c : vm.layoutProperty().get().matrixCells()) {
                assertEquals(Action.sparsify(0.5), vm.actionOf(c), c.describe());
            }
            vm.undo();
            for (MatrixCell c : vm.layoutProperty().get().matrixCells()) {
                assertEquals(Action.FREEZE, vm.actionOf(c), c.describe());
            }
        });
    }

    @Test
    void sparsifyingTheEncoderAtHalfZeroesAQuarterOfTheEncodersWork() {
        OnFx.run(() -> {
            vm.sparsityPercentProperty().set(50);
            vm.applySparsifyEncoder();
        });
        PlanCost c = cost();
        assertEquals(66 + 16384, c.trainableParameters());
        assertEquals(4 * 66 + 16384 / 8, c.overlayBytes());
        assertEquals(8192, c.entriesZeroed());
        assertEquals(0.25, c.encoderFlopsSkipped(), EXACT);
        assertEquals(2048.0, c.entropyCodedMaskBytes(), EXACT);
        OnFx.run(() -> assertEquals("25.0% of the encoder's multiply-adds", vm.costTexts().flopsProperty().get()));
    }

    @Test
    void biasesOnlyTrainsTheHeadAndEveryBias() {
        OnFx.run(vm::applyBiasesOnly);
        // Biases: EmbLN 32; per layer 4 × 32 + 32 + 64 + 32 + 32 = 288, two layers 576; pooler 32. Head 66.
        assertEquals(66 + 32 + 576 + 32, cost().trainableParameters());
        OnFx.run(() -> assertEquals(BiasRule.ALL_BIASES, vm.biasRuleProperty().get()));
    }

    @Test
    void choosingABiasRuleChangesThePlan() {
        OnFx.run(() -> {
            vm.applyFreezeEmbeddings();
            vm.biasRuleProperty().set(BiasRule.ALL_TRAIN);
            assertEquals(BiasRule.ALL_TRAIN, vm.planProperty().get().biasRule());
        });
        // The embeddings' LayerNorm trains again (64).
        assertEquals(TOTAL - 5376 + 64, cost().trainableParameters());
        OnFx.run(() -> {
            vm.undo();
            assertEquals(BiasRule.FOLLOW_MATRIX, vm.biasRuleProperty().get());
        });
    }

    @Test
    void l0CloseTrainsTheMatricesThatMovedFurthestInTheSelectedModel() {
        OnFx.run(() -> assertFalse(vm.l0CloseAvailableBinding().get()));
        var comparison = TinyBert.comparison();
        OnFx.run(() -> {
            RecordingWorkspace.select(workspace, comparison);
            assertTrue(vm.l0CloseAvailableBinding().get());
            vm.l0MetricProperty().set(Metric.REL_L2);
            vm.l0KProperty().set(3);
            vm.applyL0Close();
            // reference-metrics.json, relative L2: layer 1 FFN-out 0.1373, V 0.1285, AttnOut 0.09478 lead.
            Plan p = vm.planProperty().get();
            for (MatrixCell c : vm.layoutProperty().get().matrixCells()) {
                boolean top = c.row().equals(GridRow.layer(1)) && Set.of(GridColumn.FFN_OUT, GridColumn.V,
                        GridColumn.ATTN_OUT).contains(c.column());
                assertEquals(top ? Action.FINE_TUNE : Action.FREEZE, p.actionOf(c), c.describe());
            }
        });
        // 2048 + 32 + 2 × (1024 + 32) matrices and biases, layer 1's two LayerNorms (128), the head (66).
        assertEquals(4192 + 128 + 66, cost().trainableParameters());
    }

    @Test
    void l0CloseWithoutASelectedModelSaysWhy() {
        OnFx.run(vm::applyL0Close);
        assertEquals("L0-close needs a tuned model", dialogs.errors.get(0).title());
        OnFx.run(() -> assertEquals("full fine-tuning", vm.planProperty().get().name()));
    }

    @Test
    void aSavedPlanLoadsBackAsTheSamePlan() throws Exception {
        Path file = dir.resolve("plan.json");
        OnFx.run(() -> {
            vm.toolProperty().set(Action.Kind.SPARSIFY);
            vm.sparsityPercentProperty().set(10);
            vm.paintRow(GridRow.layer(1));
            dialogs.chosen.add(file);
            vm.save();
        });
        OnFx.settle();
        Plan saved = OnFx.call(() -> vm.planProperty().get());
        assertEquals(saved, PlanJson.read(file));
        OnFx.run(() -> {
            vm.applyFullFineTuning();
            dialogs.chosen.add(file);
            vm.load();
        });
        OnFx.settle();
        OnFx.run(() -> assertEquals(saved, vm.planProperty().get()));
        assertTrue(dialogs.errors.isEmpty(), dialogs.errors.toString());
    }

    @Test
    void aPlanForABiggerModelIsRefusedWithWhatDoesNotFit() throws Exception {
        Path file = dir.resolve("big.json");
        PlanJson.write(Presets.fullFineTuning().with(MatrixCell.layer(11, GridColumn.Q), Action.FREEZE), file);
        OnFx.run(() -> {
            dialogs.chosen.add(file);
            vm.load();
        });
        OnFx.settle();
        OnFx.run(() -> assertEquals("full fine-tuning", vm.planProperty().get().name()));
        assertEquals(file + ": layer 11 does not exist (the model has 2 layers: 0–1)", dialogs.errors.get(0).text());
    }

    @Test
    void aDamagedPlanFileIsReportedByName() throws Exception {
        Path file = dir.resolve("broken.json");
        Files.writeString(file, "{ \"format\": ");
        OnFx.run(() -> {
            dialogs.chosen.add(file);
            vm.load();
        });
        OnFx.settle();
        assertEquals("Cannot open the plan", dialogs.errors.get(0).title());
        assertTrue(dialogs.errors.get(0).text().startsWith(file + ": not valid JSON"), dialogs.errors.get(0).text());
    }

    @Test
    void withoutABaseThereIsNoGridAndTheCostPanelSaysWhy() {
        OnFx.run(() -> {
            workspace.baseProperty().set(null);
            assertNull(vm.costProperty().get());
            assertEquals(List.of(), vm.rows());
            assertEquals("Open a base model to see what this plan costs.", vm.costProblemProperty().get());
            assertEquals("—", vm.costTexts().trainableProperty().get());
        });
    }
}
