package dev.finescope.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.finescope.analysis.Histogram;
import dev.finescope.analysis.HistogramSpec;
import dev.finescope.analysis.Histograms;
import dev.finescope.checkpoint.Checkpoint;
import dev.finescope.checkpoint.Checkpoints;
import dev.finescope.checkpoint.NameMap;
import dev.finescope.checkpoint.overlay.MaskScores;
import dev.finescope.checkpoint.overlay.Overlay;
import dev.finescope.common.Progress;
import dev.finescope.plan.MaskOptions;
import dev.finescope.plan.ModelLayout;
import dev.finescope.plan.Plan;
import dev.finescope.plan.Presets;
import dev.finescope.run.RunFolder;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sparsifying run writes the histograms of the mask scores it ended with into its overlay: the same counts as
 * the analysis' histogram (checked against numpy elsewhere) finds in the final scores, in bins shared by every
 * matrix over [−R, R], and the threshold each mask used.
 */
class MaskScoreHistogramsTest {

    @TempDir
    Path dir;

    @BeforeEach
    void cache() {
        TinyRuns.cacheIn(dir.resolve("cache"));
    }

    @AfterEach
    void noCache() {
        TinyRuns.clearCache();
    }

    private static ModelLayout layout() {
        try (Checkpoint c = Checkpoints.open(TinyRuns.BASE)) {
            return ModelLayout.of(c, NameMap.standard()::locate);
        }
    }

    @Test
    void theOverlayHoldsTheHistogramsOfTheScoresTrainingEndedWith() {
        check(Presets.sparsifyEncoder(layout(), 0.2), false);
    }

    @Test
    void anExactTopKMaskRecordsTheHighestScoreItZeroed() {
        check(Presets.sparsifyEncoder(layout(), 0.3).withName("masks at 30%, top-k, c = 0.02")
                .withMask(new MaskOptions(MaskOptions.Mode.TOP_K, 0.02)), true);
    }

    private void check(Plan plan, boolean topK) {
        Path out = dir.resolve("run");
        try (TrainingRun run = TrainingRun.prepare(TinyRuns.spec(plan, TinyRuns.FEW_STEPS, out))) {
            run.runInFolder(null, null, Progress.NONE);
            FloatCheckpoint finalScores = new FloatCheckpoint(out);
            double maxAbs = 0;
            for (MaskedLinear m : run.model().maskedUnits()) {
                float[] s = m.scores().toFloatArray();
                finalScores.put(m.name() + ".weight", m.scores().shape(), s);
                for (float v : s) {
                    maxAbs = Math.max(maxAbs, Math.abs(v));
                }
            }
            MaskScores written;
            try (Overlay overlay = Overlay.open(RunFolder.open(out).overlayFile())) {
                written = overlay.maskScores().orElseThrow();
                assertEquals(new TreeSet<>(overlay.maskedNames()), new TreeSet<>(written.tensors()));
            }
            assertEquals(-maxAbs, written.lo());
            assertEquals(maxAbs, written.hi());
            assertEquals(MaskScores.DEFAULT_BINS, written.bins());
            Set<String> names = new TreeSet<>(finalScores.tensorNames());
            assertEquals(names, new TreeSet<>(written.tensors()));
            Histograms counting = new Histograms(1);
            for (MaskedLinear m : run.model().maskedUnits()) {
                String name = m.name() + ".weight";
                Histogram expected = counting.of(null, finalScores, List.of(name), HistogramSpec.fixed(
                        Histogram.Values.TUNED, false, -maxAbs, maxAbs, MaskScores.DEFAULT_BINS), Progress.NONE);
                MaskScores.Counts c = written.counts(name);
                assertArrayEquals(expected.counts(), c.counts(), name);
                assertEquals(expected.below(), c.below(), name);
                assertEquals(expected.above(), c.above(), name);
                assertEquals(expected.nonFinite(), c.nonFinite(), name);
                assertEquals(expected.numel(), c.numel(), name);
                assertEquals(topK ? highestZeroedScore(finalScores.tensor(name).toFloatArray(), m.mask()) : 0.0,
                        c.threshold(), name);
            }
        }
    }

    /** An exact top-k mask keeps the scores above its cut: the highest score among the zeroed entries. */
    private static double highestZeroedScore(float[] scores, BitSet kept) {
        double highest = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < scores.length; i++) {
            if (!kept.get(i)) {
                highest = Math.max(highest, scores[i]);
            }
        }
        return highest;
    }
}
