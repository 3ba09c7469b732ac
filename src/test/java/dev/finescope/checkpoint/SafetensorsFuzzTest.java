package dev.finescope.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Any bytes at all, opened as safetensors and read to the end, give either tensors or a clean
 * {@link CheckpointException} naming the file in one line; anything else escaping is a finding. A normal build
 * replays the seeds in {@code SafetensorsFuzzTestInputs/openAndReadAnyBytes}; {@code JAZZER_FUZZ=1} fuzzes.
 */
class SafetensorsFuzzTest {

    private static final int CHUNK = 1 << 16;

    @FuzzTest(maxDuration = "30s")
    void openAndReadAnyBytes(byte[] data) throws IOException {
        exercise(data, SafetensorsReader::open);
    }

    /** Writes {@code data} to a temporary file, opens it with {@code opener} and reads every byte of every tensor. */
    static boolean exercise(byte[] data, Function<Path, Checkpoint> opener) throws IOException {
        Path file = Files.createTempFile("finescope-fuzz", ".safetensors");
        try {
            Files.write(file, data);
            try (Checkpoint c = opener.apply(file)) {
                readEverything(c);
                return true;
            } catch (CheckpointException e) {
                if (!e.getMessage().startsWith(file + ": ") || e.getMessage().contains("\n")) {
                    throw new AssertionError("not a one-line message naming the file: " + e.getMessage(), e);
                }
                return false;
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static void readEverything(Checkpoint c) {
        c.metadata().forEach((k, v) -> {
            if (k == null || v == null) {
                throw new AssertionError("null in metadata");
            }
        });
        float[] floats = new float[CHUNK];
        for (String name : c.tensorNames()) {
            Tensor t = c.tensor(name);
            long numel = t.numel();
            if (t.byteSize() != numel * t.dtype().byteSize()) {
                throw new AssertionError(name + ": byte size disagrees with the shape");
            }
            for (long from = 0; from < numel; from += CHUNK) {
                int count = (int) Math.min(CHUNK, numel - from);
                ByteBuffer b = t.bytes(from, count);
                if (b.remaining() != (long) count * t.dtype().byteSize()) {
                    throw new AssertionError(name + ": wrong number of bytes at " + from);
                }
                t.readFloats(from, floats, 0, count);
            }
        }
    }

    @Test
    void theSeedsHoldBothGoodAndBadFiles() throws IOException {
        Path seeds = Fixtures.resource("SafetensorsFuzzTestInputs/openAndReadAnyBytes");
        List<Boolean> outcomes = new ArrayList<>();
        try (Stream<Path> files = Files.list(seeds)) {
            for (Path seed : files.sorted().toList()) {
                outcomes.add(exercise(Files.readAllBytes(seed), SafetensorsReader::open));
            }
        }
        assertTrue(outcomes.contains(true), "some seed must open");
        assertTrue(outcomes.contains(false), "some seed must be refused");
    }

    @Test
    void anythingButACheckpointExceptionEscapesTheHarness() {
        Function<Path, Checkpoint> broken = p -> {
            throw new IllegalStateException("a parser bug");
        };
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> exercise(new byte[8], broken));
        assertEquals("a parser bug", e.getMessage());
        Function<Path, Checkpoint> vague = p -> {
            throw new CheckpointException(null, "no file named");
        };
        assertThrows(AssertionError.class, () -> exercise(new byte[8], vague));
        assertFalse(assertThrows(AssertionError.class, () -> exercise(new byte[8], vague)).getMessage().isEmpty());
    }
}
