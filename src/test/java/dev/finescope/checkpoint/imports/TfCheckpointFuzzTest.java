package dev.finescope.checkpoint.imports;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.finescope.checkpoint.CheckpointException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whatever bytes arrive as a checkpoint index, the SSTable and bundle readers answer with tensors (read from the
 * tiny fixture's data shard) or one clear {@link CheckpointException}: no other exception, no hang, no allocation
 * beyond the input. Seeds: the tiny checkpoint's index behind a flag byte, written by
 * {@code make_import_fixtures.py}.
 */
class TfCheckpointFuzzTest {

    private static final Path NAME = Path.of("fuzz.index");
    private static final ByteBuffer SHARD = shard();

    private static ByteBuffer shard() {
        try {
            return ByteBuffer.wrap(Files.readAllBytes(ImportFixtures.file("tf/bert_model.ckpt.data-00000-of-00001")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The first byte chooses whether checksums are verified (odd) or not (even), so that the fuzzer also reaches
     * the block and bundle parsers behind them, which random bytes would never pass.
     */
    @FuzzTest(maxDuration = "5m")
    void checkpointIndexGivesOnlyClearErrors(byte[] input) {
        if (input.length == 0) {
            return;
        }
        boolean verify = (input[0] & 1) == 1;
        byte[] index = java.util.Arrays.copyOfRange(input, 1, input.length);
        try (ImportedModel m = TfCheckpointImporter.read(index, SHARD, NAME, verify)) {
            for (ImportedTensor t : m.tensors()) {
                t.bytes(0, (int) Math.min(t.numel(), 256));
            }
        } catch (CheckpointException e) {
            assertTrue(e.getMessage().startsWith("fuzz.index"), e.getMessage());
            assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
        }
    }
}
