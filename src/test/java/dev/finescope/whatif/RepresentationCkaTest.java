package dev.finescope.whatif;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.finescope.checkpoint.overlay.Models;
import dev.finescope.common.Progress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepresentationCkaTest {

    @TempDir
    Path dir;

    private static RepresentationCka.Spec spec(Path model, Path against, int n) {
        return new RepresentationCka.Spec(model, against, TinyWhatIf.DATA, "SST-2", "dev", n, 32);
    }

    @Test
    void aModelAgainstItselfIsOneAtEveryLayer() {
        RepresentationCka.Result r = RepresentationCka.compute(spec(TinyWhatIf.BASE, TinyWhatIf.BASE, 256),
                Progress.NONE, dir.resolve("cache"));
        assertEquals(12, r.examples());
        assertEquals(3, r.layers().size()); // embeddings + 2 encoder layers
        // [CLS] after the embeddings is the same vector in every sentence: no variance, CKA undefined
        assertTrue(Double.isNaN(r.layers().get(0).ckaCls()));
        for (RepresentationCka.Layer l : r.layers()) {
            if (l.layer() > 0) {
                assertEquals(1.0, l.ckaCls(), 1e-9, "layer " + l.layer());
            }
            assertEquals(1.0, l.ckaMean(), 1e-9, "layer " + l.layer());
            assertEquals(0.0, l.weightDistance(), 0.0, "layer " + l.layer());
        }
    }

    @Test
    void movedLayersLoseSimilarityFromTheFirstMovedLayerOn() {
        Path tuned = TinyWhatIf.tunedFolder(dir);
        RepresentationCka.Result r = RepresentationCka.compute(spec(tuned, TinyWhatIf.BASE, 256), Progress.NONE,
                dir.resolve("cache"));
        List<RepresentationCka.Layer> layers = r.layers();
        // the embeddings are the base's: layer 0 is the same representation
        assertTrue(Double.isNaN(layers.get(0).ckaCls()));
        assertEquals(1.0, layers.get(0).ckaMean(), 1e-9);
        assertEquals(0.0, layers.get(0).weightDistance(), 0.0);
        for (int l = 1; l < layers.size(); l++) {
            RepresentationCka.Layer layer = layers.get(l);
            assertTrue(layer.ckaCls() < 0.9999 && layer.ckaCls() > 0, "cls " + layer);
            assertTrue(layer.ckaMean() < 0.9999 && layer.ckaMean() > 0, "mean " + layer);
            assertTrue(layer.weightDistance() > 0, "distance " + layer);
        }
        assertFalse(r.fromCache());
    }

    @Test
    void anOverlayComparesWithItsOwnBaseAsTheSameFolderDoes() {
        Path cache = dir.resolve("cache");
        RepresentationCka.Result folder = RepresentationCka.compute(spec(TinyWhatIf.tunedFolder(dir),
                TinyWhatIf.BASE, 256), Progress.NONE, cache);
        RepresentationCka.Result overlay = RepresentationCka.compute(spec(TinyWhatIf.tunedOverlay(dir), null, 256),
                Progress.NONE, cache);
        assertEquals("tiny-tuned", overlay.first());
        assertFalse(overlay.fromCache());
        for (int l = 0; l < folder.layers().size(); l++) {
            if (l > 0) {
                assertEquals(folder.layers().get(l).ckaCls(), overlay.layers().get(l).ckaCls(), 1e-6);
            }
            assertEquals(folder.layers().get(l).ckaMean(), overlay.layers().get(l).ckaMean(), 1e-6);
            assertEquals(folder.layers().get(l).weightDistance(), overlay.layers().get(l).weightDistance(), 1e-9);
        }
    }

    @Test
    void theSecondComputationIsReadFromTheCacheAndAnotherCountIsNot() {
        Path cache = dir.resolve("cache");
        Path tuned = TinyWhatIf.tunedFolder(dir);
        RepresentationCka.Result first = RepresentationCka.compute(spec(tuned, TinyWhatIf.BASE, 8), Progress.NONE,
                cache);
        RepresentationCka.Result second = RepresentationCka.compute(spec(tuned, TinyWhatIf.BASE, 8),
                Progress.NONE, cache);
        assertFalse(first.fromCache());
        assertTrue(second.fromCache());
        assertEquals(first.layers().toString(), second.layers().toString());
        assertEquals(8, second.examples());
        RepresentationCka.Result other = RepresentationCka.compute(spec(tuned, TinyWhatIf.BASE, 9), Progress.NONE,
                cache);
        assertFalse(other.fromCache());
    }

    @Test
    void stopsWhenAskedAndRefusesAModelWithoutBase() {
        Progress cancelled = new Progress() {
            @Override
            public void update(long done, long total, String what) {
            }

            @Override
            public boolean isCancelled() {
                return true;
            }
        };
        assertThrows(CancellationException.class, () -> RepresentationCka.compute(
                spec(TinyWhatIf.BASE, TinyWhatIf.BASE, 256), cancelled, dir.resolve("cache")));
        dev.finescope.checkpoint.CheckpointException e = assertThrows(
                dev.finescope.checkpoint.CheckpointException.class, () -> RepresentationCka.compute(
                        spec(TinyWhatIf.BASE, null, 256), Progress.NONE, dir.resolve("cache")));
        assertTrue(e.getMessage().endsWith("has no base to compare with; give the second model"), e.getMessage());
    }
    /**
     * The numbers of padded batches equal those of each sentence run alone (no padding), pooled and compared here
     * independently: the mean leaves padding out and the [CLS] rows line up with their sentences.
     */
    @Test
    void batchedAndPaddedStatesGiveWhatSentencesRunAloneGive() {
        Path tuned = TinyWhatIf.tunedFolder(dir);
        RepresentationCka.Result r = RepresentationCka.compute(spec(tuned, TinyWhatIf.BASE, 256), Progress.NONE,
                dir.resolve("cache"));
        dev.finescope.train.data.Split split = dev.finescope.train.TaskData.readForEvaluation(TinyWhatIf.DATA,
                dev.finescope.train.data.Task.fromName("SST-2").orElseThrow(), "dev").get(0);
        double[][][][] states = new double[2][][][];
        Path[] models = {tuned, TinyWhatIf.BASE};
        for (int m = 0; m < 2; m++) {
            dev.finescope.train.BertConfig config = dev.finescope.train.BertConfig.read(
                    models[m].resolve("config.json"));
            try (dev.finescope.checkpoint.ModelFolder folder = dev.finescope.checkpoint.overlay.Models.open(models[m]);
                 dev.finescope.train.TextTokenizer tokenizer = dev.finescope.train.TextTokenizer.forModel(
                         TinyWhatIf.BASE);
                 dev.finescope.train.BertEncoder encoder = dev.finescope.train.BertEncoder.builder()
                         .setCheckpoint(folder.weights()).setConfig(config).build()) {
                dev.finescope.train.EncodedSplit encoded = dev.finescope.train.EncodedSplit.of(split, tokenizer, 32,
                        false, config.vocabSize());
                int n = encoded.size();
                states[m] = new double[2 * (config.numLayers() + 1)][n][];
                for (int i = 0; i < n; i++) {
                    try (ai.djl.ndarray.NDManager scope = encoder.newScope()) {
                        dev.finescope.train.TokenBatch one = encoded.batch(new int[] {i});
                        List<ai.djl.ndarray.NDArray> hidden = encoder.forward(scope, one, false).hiddenStates();
                        for (int l = 0; l < hidden.size(); l++) {
                            float[] all = hidden.get(l).toFloatArray();
                            int h = config.hiddenSize();
                            int t = all.length / h;
                            double[] cls = new double[h];
                            double[] mean = new double[h];
                            for (int j = 0; j < h; j++) {
                                cls[j] = all[j];
                                for (int p = 0; p < t; p++) {
                                    mean[j] += all[p * h + j] / (double) t;
                                }
                            }
                            states[m][2 * l][i] = cls;
                            states[m][2 * l + 1][i] = mean;
                        }
                    }
                }
            }
        }
        for (int l = 1; l < r.layers().size(); l++) {
            assertEquals(dev.finescope.analysis.LinearCka.of(states[0][2 * l], states[1][2 * l]),
                    r.layers().get(l).ckaCls(), 1e-5, "cls " + l);
            assertEquals(dev.finescope.analysis.LinearCka.of(states[0][2 * l + 1], states[1][2 * l + 1]),
                    r.layers().get(l).ckaMean(), 1e-5, "mean " + l);
        }
    }
}
