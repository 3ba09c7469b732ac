package dev.finescope.checkpoint.overlay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.finescope.checkpoint.CheckpointException;
import dev.finescope.checkpoint.SafetensorsWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Histograms of mask scores: counted in shared bins as numpy.histogram counts, added up over matrices, stored in
 * an overlay's metadata and read back, and refused in one line naming the file when malformed.
 */
class MaskScoresTest {

    private static final String FINGERPRINT = "0".repeat(64);
    private static final String Q = "bert.encoder.layer.0.attention.self.query.weight";
    private static final String K = "bert.encoder.layer.0.attention.self.key.weight";

    @TempDir
    Path dir;

    @Test
    void scoresAreCountedInBinsOverMinusRToRAsNumpyHistogramCounts() {
        // numpy.histogram([-2, -1.5, -0.5, 0, 0.25, 1, 2], bins=4, range=(-2, 2)) -> [2, 1, 2, 2]
        MaskScores s = MaskScores.symmetric(2, 4).add(Q, new float[] {-2, -1.5f, -0.5f, 0, 0.25f, 1, 2}, 0).build();
        assertArrayEquals(new long[] {2, 1, 2, 2}, s.counts(Q).counts());
        assertEquals(-2, s.lo());
        assertEquals(2, s.hi());
        assertEquals(0.0, s.edge(2), "the threshold 0 is an edge");
        assertEquals(7, s.counts(Q).numel());
    }

    @Test
    void valuesOutsideTheRangeAndNanAreCountedApart() {
        MaskScores s = MaskScores.symmetric(1, 2).add(Q, new float[] {-3, Float.NaN, 0.5f, Float.POSITIVE_INFINITY},
                0).build();
        assertEquals(new MaskScores.Counts(new long[] {0, 1}, 1, 1, 1, 0), s.counts(Q));
    }

    @Test
    void aRangeOfZeroBecomesMinusOneToOne() {
        MaskScores s = MaskScores.symmetric(MaskScores.maxAbs(new float[] {0, 0, Float.NaN}), 2)
                .add(Q, new float[] {0, 0}, 0).build();
        assertEquals(-1, s.lo());
        assertEquals(1, s.hi());
        assertArrayEquals(new long[] {0, 2}, s.counts(Q).counts());
    }

    @Test
    void aSumAddsTheCountsOfItsMatricesAndKeepsTheirSharedThreshold() {
        MaskScores s = MaskScores.symmetric(1, 2).add(Q, new float[] {-1, 1, 1}, 0).add(K, new float[] {-0.5f, 2},
                0).build();
        assertEquals(new MaskScores.Counts(new long[] {2, 2}, 0, 1, 0, 0), s.sum(List.of(Q, K, "not masked")));
        MaskScores topK = MaskScores.symmetric(1, 2).add(Q, new float[] {-1}, 0.25).add(K, new float[] {1}, -0.5)
                .build();
        assertTrue(Double.isNaN(topK.sum(List.of(Q, K)).threshold()), "different thresholds have no common one");
        assertEquals(0.25, topK.sum(List.of(Q)).threshold());
    }

    @Test
    void anOverlayKeepsItsScoreHistogramsAndOneWithoutThemSaysSo() {
        MaskScores written = MaskScores.symmetric(0.75, 8).add(Q, new float[] {-0.75f, -0.1f, 0.2f, 0.7f}, 0)
                .build();
        Path with = dir.resolve("with.safetensors");
        OverlayWriter.forBase(FINGERPRINT, "base", "").mask(Q, new long[] {2, 2}, new boolean[] {false, false, true,
                true}).maskScores(written).write(with);
        Path without = dir.resolve("without.safetensors");
        OverlayWriter.forBase(FINGERPRINT, "base", "").mask(Q, new long[] {2, 2}, new boolean[4]).write(without);
        try (Overlay a = Overlay.open(with); Overlay b = Overlay.open(without)) {
            assertEquals(Optional.of(written), a.maskScores());
            assertEquals(Optional.empty(), b.maskScores());
        }
    }

    @Test
    void theWriterRefusesScoresOfAMatrixWithoutAMask() {
        OverlayWriter w = OverlayWriter.forBase(FINGERPRINT, "base", "").mask(Q, new long[] {1}, new boolean[1])
                .maskScores(MaskScores.symmetric(1, 2).add(K, new float[] {1}, 0).build());
        assertEquals("mask scores of matrices without a mask: [" + K + "]",
                assertThrows(IllegalStateException.class, () -> w.write(dir.resolve("x.safetensors"))).getMessage());
    }

    @Test
    void malformedScoreHistogramsAreRefusedNamingTheFileAndTheProblem() {
        String ok = "\"lo\": -1, \"hi\": 1, \"bins\": 2";
        assertEquals("its mask scores (finescope.mask_scores) is not JSON (it breaks off or goes wrong at line 1, "
                + "column 6)", problem("{\"lo\""));
        assertEquals("its mask scores (finescope.mask_scores) has the range [1.0, -1.0]; it needs finite lo < hi",
                problem("{\"lo\": 1, \"hi\": -1, \"bins\": 2, \"tensors\": {}}"));
        assertEquals("its mask scores (finescope.mask_scores) has no bin count from 1 to 100000 under \"bins\"",
                problem("{\"lo\": -1, \"hi\": 1, \"bins\": 0, \"tensors\": {}}"));
        assertEquals("its mask scores (finescope.mask_scores) has no \"counts\" array of 2 bins of " + Q,
                problem("{" + ok + ", \"tensors\": {\"" + Q + "\": {\"counts\": [1]}}}"));
        assertEquals("its mask scores (finescope.mask_scores) has no count of 0 or more for bin 1 of " + Q,
                problem("{" + ok + ", \"tensors\": {\"" + Q + "\": {\"counts\": [1, -4], \"below\": 0, "
                        + "\"above\": 0, \"non_finite\": 0, \"threshold\": 0}}}"));
        assertEquals("its mask scores (finescope.mask_scores) has no finite number \"threshold\" of " + Q,
                problem("{" + ok + ", \"tensors\": {\"" + Q + "\": {\"counts\": [1, 4], \"below\": 0, "
                        + "\"above\": 0, \"non_finite\": 0}}}"));
    }

    /** The problem of an overlay whose mask scores are {@code json}, as opening and reading them reports it. */
    private String problem(String json) {
        Path file = dir.resolve("bad-" + json.hashCode() + ".safetensors");
        SafetensorsWriter w = new SafetensorsWriter();
        w.metadata(Overlay.FORMAT_KEY, Overlay.FORMAT);
        w.metadata(Overlay.BASE_FINGERPRINT_KEY, FINGERPRINT);
        w.metadata(Overlay.MASKS_KEY, "{}");
        w.metadata(Overlay.HEAD_KEY, "[]");
        w.metadata(MaskScores.KEY, json);
        w.write(file);
        try (Overlay o = Overlay.open(file)) {
            CheckpointException e = assertThrows(CheckpointException.class, o::maskScores);
            assertEquals(file, e.file());
            return e.problem();
        }
    }
}
