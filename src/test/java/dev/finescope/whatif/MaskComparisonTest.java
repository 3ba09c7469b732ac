package dev.finescope.whatif;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.finescope.checkpoint.CheckpointException;
import dev.finescope.checkpoint.overlay.Overlay;
import dev.finescope.checkpoint.overlay.OverlayWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MaskComparisonTest {

    static final Path SAMPLES = Path.of("sample-models");
    static final String FINGERPRINT = "0".repeat(64);
    static final long[] SHAPE = {2, 5};
    static final String Q0 = "encoder.layer.0.attention.self.query.weight";
    static final String FFN1 = "bert.encoder.layer.1.output.dense.weight";

    @TempDir
    Path dir;

    /** An overlay masking two 2×5 matrices: 1 = kept. */
    private Path overlay(String name, byte[] q0, byte[] ffn1, String metrics) {
        Path file = dir.resolve(name).resolve("overlay.safetensors");
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        OverlayWriter w = OverlayWriter.forBase(FINGERPRINT, "tiny", "../tiny").mask(Q0, SHAPE, q0)
                .mask(FFN1, SHAPE, ffn1);
        if (metrics != null) {
            w.metrics(metrics);
        }
        w.write(file);
        return file;
    }

    @Test
    void aMaskComparedWithItselfHasHammingZeroAndJaccardOne() {
        Path masks = SAMPLES.resolve("masks-10/overlay.safetensors");
        MaskComparison c = MaskComparison.compare(List.of(masks, masks), null);
        assertEquals(List.of("masks-10", "masks-10"), c.labels());
        assertEquals(0.0, c.hamming()[0][1]);
        assertEquals(1.0, c.jaccard()[0][1]);
        assertEquals(0.0, c.hamming()[0][0]);
        assertEquals(0.9155555555555556, c.accuracies().get(0));
        assertEquals(36, c.cells().size(), "6 layers × 6 matrices, one pair");
        assertTrue(c.cells().stream().allMatch(x -> x.hamming() == 0 && x.jaccard() == 1));
    }

    @Test
    void masksOfDifferentSparsitiesDifferAtLeastByTheirShareOfZeros() {
        Path a = SAMPLES.resolve("masks-01/overlay.safetensors");
        Path b = SAMPLES.resolve("masks-40/overlay.safetensors");
        MaskComparison c = MaskComparison.compare(List.of(a, b), List.of("1 %", "40 %"));
        assertEquals(List.of("1 %", "40 %"), c.labels());
        long[] zeros = new long[2];
        long entries = 0;
        for (int i = 0; i < 2; i++) {
            try (Overlay o = Overlay.open(i == 0 ? a : b)) {
                for (String name : o.maskedNames()) {
                    zeros[i] += o.maskInfo(name).zeroed();
                    entries += i == 0 ? o.maskInfo(name).numel() : 0;
                }
            }
        }
        // differing bits ≥ |zeros_a − zeros_b|, and |Z_a ∩ Z_b| / |Z_a ∪ Z_b| ≤ min / max of the zero counts
        assertTrue(c.hamming()[0][1] >= (double) (zeros[1] - zeros[0]) / entries, "hamming " + c.hamming()[0][1]);
        assertTrue(c.jaccard()[0][1] <= (double) zeros[0] / zeros[1], "jaccard " + c.jaccard()[0][1]);
        assertTrue(c.jaccard()[0][1] > 0, "learned masks start from magnitude pruning and share zeros");
        assertEquals(c.hamming()[0][1], c.hamming()[1][0]);
    }

    @Test
    void hammingAndJaccardCountBitsExactly() throws IOException {
        // zeros of a: Q0 {0,1,2}, FFN1 {} ; zeros of b: Q0 {1,2,3,4}, FFN1 {9}
        Path a = overlay("a", new byte[] {0, 0, 0, 1, 1, 1, 1, 1, 1, 1}, new byte[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1},
                "{\"dev\":{\"accuracy\":0.75,\"loss\":0.5}}");
        Path b = overlay("b", new byte[] {1, 0, 0, 0, 0, 1, 1, 1, 1, 1}, new byte[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 0},
                null);
        MaskComparison c = MaskComparison.compare(List.of(a, b), List.of());
        assertEquals(List.of("a", "b"), c.labels());
        assertEquals(0.75, c.accuracies().get(0));
        assertNull(c.accuracies().get(1));
        // differing: Q0 {0,3,4} and FFN1 {9} = 4 of 20; zeros ∩ = {1,2} = 2, ∪ = {0,1,2,3,4} + {9} = 6
        assertEquals(4.0 / 20, c.hamming()[0][1]);
        assertEquals(2.0 / 6, c.jaccard()[0][1]);
        MaskComparison.CellComparison q0 = c.cells().get(0);
        assertEquals(new MaskComparison.CellComparison(0, "Q", 0, 1, 3.0 / 10, 2.0 / 5), q0);
        assertEquals(new MaskComparison.CellComparison(1, "FFN-out", 0, 1, 1.0 / 10, 0.0), c.cells().get(1));
        Path csv = dir.resolve("masks.csv");
        c.writeCsv(csv);
        assertEquals(List.of("a,label_a,accuracy_a,b,label_b,accuracy_b,layer,column,hamming,jaccard",
                "0,a,0.75,1,b,,all,all,0.2," + (2.0 / 6),
                "0,a,0.75,1,b,,0,Q,0.3,0.4",
                "0,a,0.75,1,b,,1,FFN-out,0.1,0.0"), Files.readAllLines(csv));
    }

    @Test
    void anOverlayWithoutMasksIsNamed() {
        Path full = SAMPLES.resolve("head-only/overlay.safetensors");
        Path masks = SAMPLES.resolve("masks-10/overlay.safetensors");
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> MaskComparison.compare(List.of(masks, full), null));
        assertTrue(e.getMessage().startsWith(full.toString()), e.getMessage());
        assertTrue(e.getMessage().endsWith("has no learned masks; compare runs trained with a sparsify plan"),
                e.getMessage());
    }

    @Test
    void oneOverlayIsNotAComparison() {
        assertEquals("comparing masks needs at least two overlays, not 1", assertThrows(IllegalArgumentException.class,
                () -> MaskComparison.compare(List.of(SAMPLES.resolve("masks-10/overlay.safetensors")), null))
                .getMessage());
    }
}
