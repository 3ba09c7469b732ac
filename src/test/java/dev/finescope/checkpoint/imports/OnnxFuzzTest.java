package dev.finescope.checkpoint.imports;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.finescope.checkpoint.CheckpointException;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whatever bytes arrive as an ONNX model, the importer answers with tensors or with one clear
 * {@link CheckpointException} naming the file: no other exception, no hang, no allocation beyond the input.
 * Seeds: a 1-layer export and its int8 version, written by {@code make_import_fixtures.py}.
 */
class OnnxFuzzTest {

    private static final Path NAME = Path.of("fuzz.onnx");

    @FuzzTest(maxDuration = "5m")
    void onnxWalkerGivesOnlyClearErrors(byte[] data) {
        try (ImportedModel m = OnnxImporter.read(data, NAME)) {
            for (ImportedTensor t : m.tensors()) {
                t.bytes(0, (int) Math.min(t.numel(), 256));
                t.bytes(t.numel() - Math.min(t.numel(), 7), (int) Math.min(t.numel(), 7));
            }
        } catch (CheckpointException e) {
            assertTrue(e.getMessage().startsWith("fuzz.onnx: "), e.getMessage());
            assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
        }
    }
}
