package dev.finescope.checkpoint.overlay;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.finescope.checkpoint.Checkpoint;
import dev.finescope.checkpoint.CheckpointException;
import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.checkpoint.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Any bytes at all, opened as an overlay and applied to the tiny base, give either a model whose every tensor reads
 * to the end, or a {@link CheckpointException} naming the file in one line; anything else escaping is a finding.
 * A normal build replays the seeds in {@code OverlayFuzzTestInputs/anyBytesOpenAndApplyOrRaiseOnlyCheckpointExceptions}
 * (made by {@code src/test/python/checkpoint/make_overlay_fixtures.py}); {@code JAZZER_FUZZ=1} fuzzes.
 */
class OverlayFuzzTest {

    private static final int CHUNK = 1000;
    private static final Path CACHE;
    private static final ModelFolder BASE;

    static {
        try {
            CACHE = Files.createTempDirectory("finescope-fuzz-cache");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try (Stream<Path> files = Files.walk(CACHE)) {
                    for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                } catch (IOException ignored) {
                    // a temporary folder; the system cleans it eventually
                }
            }));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        BASE = Models.open(OverlayFixtures.tinyBase());
    }

    @FuzzTest(maxDuration = "30s")
    void anyBytesOpenAndApplyOrRaiseOnlyCheckpointExceptions(byte[] data) throws IOException {
        exercise(data, Overlay::open);
    }

    /** Writes {@code data} to a file, opens it with {@code opener}, applies it to the base and reads everything. */
    static boolean exercise(byte[] data, Function<Path, Overlay> opener) throws IOException {
        // a cache of our own, set at every input since other tests set and clear theirs: never the user's
        OverlayFixtures.useCache(CACHE);
        Path file = Files.createTempFile("finescope-fuzz", ".safetensors");
        try {
            Files.write(file, data);
            try (Overlay o = opener.apply(file)) {
                for (String name : o.maskedNames()) {
                    BitMask m = o.mask(name);
                    if (m.keptCount() != o.maskInfo(name).kept()) {
                        throw new AssertionError(name + ": the mask's bits disagree with its declared count");
                    }
                }
                readEverything(o.apply(BASE));
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
        float[] floats = new float[CHUNK];
        for (String name : c.tensorNames()) {
            Tensor t = c.tensor(name);
            long numel = t.numel();
            // an odd chunk, so that masked reads start inside a byte of the mask
            for (long from = 0; from < numel; from += CHUNK - 3) {
                int count = (int) Math.min(CHUNK - 3, numel - from);
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
        Path seeds = OverlayFixtures.resource(
                "OverlayFuzzTestInputs/anyBytesOpenAndApplyOrRaiseOnlyCheckpointExceptions");
        List<Boolean> outcomes = new ArrayList<>();
        try (Stream<Path> files = Files.list(seeds)) {
            for (Path seed : files.sorted().toList()) {
                outcomes.add(exercise(Files.readAllBytes(seed), Overlay::open));
            }
        }
        assertTrue(outcomes.contains(true), "some seed must open and apply");
        assertTrue(outcomes.contains(false), "some seed must be refused");
    }

    @Test
    void anythingButACheckpointExceptionEscapesTheHarness() {
        Function<Path, Overlay> broken = p -> {
            throw new IllegalStateException("a parser bug");
        };
        assertThrows(IllegalStateException.class, () -> exercise(new byte[8], broken));
        Function<Path, Overlay> vague = p -> {
            throw new CheckpointException(null, "no file named");
        };
        assertThrows(AssertionError.class, () -> exercise(new byte[8], vague));
    }
}
