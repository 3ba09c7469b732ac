package dev.finescope.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.finescope.analysis.Analyzer;
import dev.finescope.analysis.Histograms;
import dev.finescope.checkpoint.GridColumn;
import dev.finescope.checkpoint.GridRow;
import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.checkpoint.overlay.MaskScores;
import dev.finescope.checkpoint.overlay.Models;
import dev.finescope.checkpoint.overlay.OverlayWriter;
import dev.finescope.ui.common.UiExecutor;
import dev.finescope.ui.common.Workspace;
import dev.finescope.ui.testing.RecordingDialogs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.jfree.chart.plot.Marker;
import org.jfree.chart.plot.ValueMarker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The histograms tab offers the learned mask scores of a sparsified result: summed over the tensor, cell, row or
 * whole model from the histograms its overlay holds, with the threshold that decides the masks marked; an overlay
 * written without scores says so; a model without masks does not offer them.
 */
class MaskScoresViewModelTest {

    private static final String Q0 = "bert.encoder.layer.0.attention.self.query.weight";
    private static final String V1 = "bert.encoder.layer.1.attention.self.value.weight";
    private static final int N = 32 * 32;

    @TempDir
    Path dir;

    private final UiFixtures.ScratchPreferences prefs = new UiFixtures.ScratchPreferences();
    private final Workspace workspace = new Workspace();
    private final UiExecutor executor = UiExecutor.sameThread();
    private final WorkspaceViewModel opener = new WorkspaceViewModel(workspace, executor, new RecordingDialogs(),
            prefs.preferences, ModelOpener.STANDARD, new Analyzer(2));
    private final HistogramsViewModel histograms = new HistogramsViewModel(workspace, executor, new Histograms(2));
    private MaskScores scores;

    /** Scores −1 … +1 in steps over Q0, all +0.5 over V1, counted in 4 bins over [−1, 1]. */
    @BeforeEach
    void openAWorkspaceWithSparsifiedResults() throws IOException {
        float[] q = new float[N];
        for (int i = 0; i < N; i++) {
            q[i] = -1f + 2f * i / (N - 1);
        }
        float[] v = new float[N];
        java.util.Arrays.fill(v, 0.5f);
        scores = MaskScores.symmetric(1, 4).add(Q0, q, 0).add(V1, v, 0).build();
        Path withScores = dir.resolve("with-scores.safetensors");
        Path withoutScores = dir.resolve("without-scores.safetensors");
        try (ModelFolder base = Models.open(UiFixtures.tinyBase())) {
            writeOverlay(base, withScores, q, v).maskScores(scores).write(withScores);
            writeOverlay(base, withoutScores, q, v).write(withoutScores);
        }
        Files.writeString(dir.resolve(WorkspaceFile.FILE_NAME), "{\"base\": " + quoted(UiFixtures.tinyBase())
                + ", \"tuned\": [{\"label\": \"masks\", \"path\": " + quoted(withScores) + ", \"kind\": \"overlay\"},"
                + " {\"label\": \"old masks\", \"path\": " + quoted(withoutScores) + ", \"kind\": \"overlay\"},"
                + " {\"label\": \"fine-tuned\", \"path\": " + quoted(UiFixtures.tinyTuned()) + ", \"kind\": \"folder\"}]}");
        opener.openWorkspace(dir);
        assertEquals(3, workspace.getTunedModels().size());
    }

    private static OverlayWriter writeOverlay(ModelFolder base, Path target, float[] q, float[] v) {
        boolean[] keepQ = new boolean[N];
        boolean[] keepV = new boolean[N];
        for (int i = 0; i < N; i++) {
            keepQ[i] = q[i] > 0;
            keepV[i] = v[i] > 0;
        }
        return OverlayWriter.forBase(base, OverlayWriter.hintFor(target, base.path()))
                .mask(Q0, new long[] {32, 32}, keepQ).mask(V1, new long[] {32, 32}, keepV);
    }

    private static String quoted(Path p) {
        return "\"" + p.toAbsolutePath().toString().replace("\\", "\\\\") + "\"";
    }

    @AfterEach
    void close() {
        opener.closeWorkspace();
        prefs.close();
    }

    private void select(String label) {
        workspace.selectedTunedProperty().set(workspace.getTunedModels().stream()
                .filter(t -> t.label().equals(label)).findFirst().orElseThrow());
    }

    /** The counts column of the tab's table. */
    private List<Long> shownCounts() {
        return histograms.table().rows().stream().map(r -> Long.parseLong(r.get(2))).toList();
    }

    private static List<Long> counts(MaskScores.Counts c) {
        return IntStream.range(0, c.counts().length).mapToObj(k -> c.counts()[k]).toList();
    }

    @Test
    void aSparsifiedResultOffersItsMaskScoresAndAModelWithoutMasksDoesNot() {
        select("masks");
        assertTrue(histograms.views().contains(HistogramsViewModel.View.MASK_SCORES), histograms.views().toString());
        select("fine-tuned");
        assertFalse(histograms.views().contains(HistogramsViewModel.View.MASK_SCORES), histograms.views().toString());
    }

    @Test
    void theWholeModelShowsTheSummedScoresWithTheThresholdZeroMarked() {
        select("masks");
        histograms.viewProperty().set(HistogramsViewModel.View.MASK_SCORES);
        histograms.scopeProperty().set(HistogramsViewModel.Scope.MODEL);
        HistogramsViewModel.Result r = histograms.resultProperty().get();
        assertNotNull(r, histograms.messageProperty().get());
        // Q0: 256 scores per bin; V1: all 1024 in the bin [0.5, 1]
        assertEquals(List.of(256L, 256L, 256L, 256L + N), shownCounts());
        assertEquals(counts(scores.sum(List.of(Q0, V1))), shownCounts());
        List<Double> markers = r.chart().getXYPlot().getDomainMarkers(org.jfree.chart.ui.Layer.FOREGROUND)
                .stream().map(m -> ((ValueMarker) m).getValue()).toList();
        assertEquals(List.of(0.0), markers);
        assertTrue(((Marker) r.chart().getXYPlot().getDomainMarkers(org.jfree.chart.ui.Layer.FOREGROUND).iterator()
                .next()).getLabel().startsWith("threshold 0"));
        assertEquals("", histograms.messageProperty().get());
    }

    @Test
    void aCellShowsOnlyItsOwnMatrixAndAnUnsparsifiedTensorSaysSo() {
        select("masks");
        histograms.viewProperty().set(HistogramsViewModel.View.MASK_SCORES);
        histograms.scopeProperty().set(HistogramsViewModel.Scope.CELL);
        workspace.selectCell(GridRow.layer(1), GridColumn.V);
        assertEquals(List.of(0L, 0L, 0L, (long) N), shownCounts());
        histograms.scopeProperty().set(HistogramsViewModel.Scope.ROW);
        assertEquals(counts(scores.counts(V1)), shownCounts());
        histograms.scopeProperty().set(HistogramsViewModel.Scope.TENSOR);
        histograms.tensorProperty().set("bert.encoder.layer.0.attention.self.key.weight");
        assertNull(histograms.resultProperty().get());
        assertEquals("No sparsified matrix in bert.encoder.layer.0.attention.self.key.weight: choose a sparsified "
                + "cell, or \"the whole model\".", histograms.messageProperty().get());
    }

    @Test
    void anOverlayWrittenWithoutScoresSaysSoPlainly() {
        select("old masks");
        assertTrue(histograms.views().contains(HistogramsViewModel.View.MASK_SCORES));
        histograms.viewProperty().set(HistogramsViewModel.View.MASK_SCORES);
        histograms.scopeProperty().set(HistogramsViewModel.Scope.MODEL);
        assertNull(histograms.resultProperty().get());
        assertEquals(HistogramsViewModel.NO_MASK_SCORES, histograms.messageProperty().get());
        assertTrue(histograms.messageProperty().get().startsWith("This overlay was written without mask scores"));
    }

    @Test
    void choosingAModelWithoutMasksLeavesTheMaskScoresForTheChange() {
        select("masks");
        histograms.viewProperty().set(HistogramsViewModel.View.MASK_SCORES);
        select("fine-tuned");
        assertEquals(HistogramsViewModel.View.DELTA, histograms.viewProperty().get());
    }
}
