package dev.finescope.checkpoint.overlay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finescope.checkpoint.Checkpoint;
import dev.finescope.checkpoint.Checkpoints;
import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.checkpoint.SafetensorsReader;
import dev.finescope.checkpoint.SafetensorsWriter;
import dev.finescope.checkpoint.Tensor;
import dev.finescope.common.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FingerprintTest {

    @TempDir
    Path dir;

    private Path cache;

    @BeforeEach
    void isolateTheCache() throws IOException {
        cache = Files.createDirectories(dir.resolve("cache"));
        OverlayFixtures.useCache(cache);
    }

    @AfterAll
    static void restoreTheCache() {
        OverlayFixtures.forgetCache();
    }

    private static String expected(String key) {
        return OverlayFixtures.expected().get(key).asText();
    }

    @Test
    void theFingerprintOfTheTinyBaseIsTheOnePythonComputed() {
        try (Checkpoint c = SafetensorsReader.open(OverlayFixtures.tinyBase().resolve("model.safetensors"))) {
            assertEquals(expected("base_fingerprint_v2"), Fingerprint.compute(c));
        }
        try (Checkpoint c = Checkpoints.open(OverlayFixtures.tinyTuned())) {
            assertEquals(expected("tuned_fingerprint_v2"), Fingerprint.compute(c));
        }
    }

    @Test
    void theFirstAlgorithmStillGivesTheFingerprintPythonComputedForIt() {
        try (Checkpoint c = SafetensorsReader.open(OverlayFixtures.tinyBase().resolve("model.safetensors"))) {
            assertEquals(expected("base_fingerprint"),
                    Fingerprint.compute(c, Fingerprint.Algorithm.SHA256_STREAM_V1, Progress.NONE));
        }
        try (Checkpoint c = Checkpoints.open(OverlayFixtures.tinyTuned())) {
            assertEquals(expected("tuned_fingerprint"),
                    Fingerprint.compute(c, Fingerprint.Algorithm.SHA256_STREAM_V1, Progress.NONE));
        }
    }

    @Test
    void tensorsSplitIntoManyChunksGiveTheTreePythonComputedWhateverTheThreads() {
        try (Checkpoint c = Checkpoints.open(OverlayFixtures.tinyBase().resolve("model.safetensors"))) {
            for (int threads : new int[] {1, 2, 7}) {
                assertEquals(expected("base_fingerprint_v2_chunk_1000"),
                        Fingerprint.computeTree(c, Progress.NONE, threads, 1000), threads + " threads");
                assertEquals(expected("base_fingerprint_v2"), Fingerprint.compute(c,
                        Fingerprint.Algorithm.SHA256_TREE_V2, Progress.NONE, threads), threads + " threads");
            }
        }
    }

    @Test
    void theSameTensorsAsBinAndAsSafetensorsHaveTheSameFingerprint() {
        try (Checkpoint st = Checkpoints.open(OverlayFixtures.tinyBase().resolve("model.safetensors"));
                Checkpoint bin = Checkpoints.open(OverlayFixtures.tinyBase().resolve("pytorch_model.bin"))) {
            String fromBin = Fingerprint.compute(bin);
            assertEquals(Fingerprint.compute(st), fromBin);
            assertEquals(expected("base_fingerprint_v2_from_bin"), fromBin);
        }
    }

    @Test
    void changingOneValueChangesTheFingerprint() {
        Path changed = dir.resolve("changed.safetensors");
        try (Checkpoint base = Checkpoints.open(OverlayFixtures.tinyBase().resolve("model.safetensors"))) {
            SafetensorsWriter w = new SafetensorsWriter();
            for (String name : base.tensorNames()) {
                Tensor t = base.tensor(name);
                if (name.equals(OverlayFixtures.REPLACED)) {
                    float[] v = t.toFloatArray();
                    v[517] = Math.nextUp(v[517]);
                    w.addFloats(name, t.dtype(), t.shape(), v);
                } else {
                    w.addCopy(t);
                }
            }
            w.write(changed);
        }
        try (Checkpoint c = Checkpoints.open(changed)) {
            String fp = Fingerprint.compute(c);
            assertNotEquals(expected("base_fingerprint_v2"), fp);
            assertTrue(Fingerprint.isWellFormed(fp));
        }
    }

    @Test
    void aSecondCallOnUnchangedFilesComesFromTheCacheWithoutReadingTensors() throws IOException {
        Path model = OverlayFixtures.copyFolder(OverlayFixtures.tinyBase(), dir.resolve("base"));
        long before = Fingerprint.COMPUTED.get();
        try (ModelFolder m = Models.open(model)) {
            assertEquals(expected("base_fingerprint_v2"), Fingerprint.of(m));
        }
        assertEquals(before + 1, Fingerprint.COMPUTED.get());
        Path file = cache.resolve(FingerprintCache.FILE_NAME);
        JsonNode entries = new ObjectMapper().readTree(file.toFile()).get("entries");
        assertEquals(1, entries.size());
        assertEquals(3, entries.get(0).get("files").size(), "weights, config.json and vocab.txt: " + entries);
        assertEquals(model.resolve("model.safetensors").toString(),
                entries.get(0).get("files").get(0).get("path").asText());
        try (ModelFolder m = Models.open(model)) {
            AtomicLong reports = new AtomicLong();
            assertEquals(expected("base_fingerprint_v2"), Fingerprint.of(m, counting(reports)));
            assertEquals(0, reports.get(), "nothing was hashed");
        }
        assertEquals(before + 1, Fingerprint.COMPUTED.get());
    }

    @Test
    void aTouchedInputFileIsFingerprintedAgainAndItsOldEntryReplaced() throws IOException {
        Path model = OverlayFixtures.copyFolder(OverlayFixtures.tinyBase(), dir.resolve("base"));
        long before = Fingerprint.COMPUTED.get();
        try (ModelFolder m = Models.open(model)) {
            Fingerprint.of(m);
        }
        Files.setLastModifiedTime(model.resolve("model.safetensors"), FileTime.fromMillis(1_000_000_000L));
        try (ModelFolder m = Models.open(model)) {
            assertEquals(expected("base_fingerprint_v2"), Fingerprint.of(m));
            assertEquals(expected("base_fingerprint_v2"), Fingerprint.of(m));
        }
        assertEquals(before + 2, Fingerprint.COMPUTED.get());
        JsonNode entries = new ObjectMapper().readTree(cache.resolve(FingerprintCache.FILE_NAME).toFile())
                .get("entries");
        assertEquals(1, entries.size());
    }

    @Test
    void aCorruptCacheFileIsIgnoredAndRewritten() throws IOException {
        Path file = Files.writeString(cache.resolve(FingerprintCache.FILE_NAME), "{\"version\": 1, \"entries\": [");
        long before = Fingerprint.COMPUTED.get();
        try (ModelFolder m = Models.open(OverlayFixtures.tinyBase())) {
            assertEquals(expected("base_fingerprint_v2"), Fingerprint.of(m));
        }
        assertEquals(before + 1, Fingerprint.COMPUTED.get());
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        assertEquals(1, root.get("entries").size());
        assertEquals(expected("base_fingerprint_v2"), root.get("entries").get(0).get("fingerprint").asText());
    }

    @Test
    void aCacheEntryWithAForgedFingerprintIsNotBelieved() throws IOException {
        try (ModelFolder m = Models.open(OverlayFixtures.tinyBase())) {
            Fingerprint.of(m);
            Path file = cache.resolve(FingerprintCache.FILE_NAME);
            Files.writeString(file, Files.readString(file).replace(expected("base_fingerprint_v2"), "not-a-fingerprint"));
            long before = Fingerprint.COMPUTED.get();
            assertEquals(expected("base_fingerprint_v2"), Fingerprint.of(m));
            assertEquals(before + 1, Fingerprint.COMPUTED.get());
        }
    }

    @Test
    void anUnwritableCacheFolderIsNotFatal() throws IOException {
        Path blocker = Files.writeString(dir.resolve("a-file"), "not a folder");
        OverlayFixtures.useCache(blocker.resolve("cache"));
        try (ModelFolder m = Models.open(OverlayFixtures.tinyBase())) {
            assertEquals(expected("base_fingerprint_v2"), Fingerprint.of(m));
        }
    }

    @Test
    void progressCountsBytesAndACancelStopsTheHash() {
        try (Checkpoint c = Checkpoints.open(OverlayFixtures.tinyBase().resolve("model.safetensors"))) {
            long total = 0;
            for (String n : c.tensorNames()) {
                total += c.tensor(n).byteSize();
            }
            long[] last = new long[2];
            Fingerprint.compute(c, new Progress() {
                @Override
                public void update(long done, long all, String what) {
                    last[0] = done;
                    last[1] = all;
                }

                @Override
                public boolean isCancelled() {
                    return false;
                }
            });
            assertEquals(total, last[0]);
            assertEquals(total, last[1]);
            Progress cancelled = new Progress() {
                @Override
                public void update(long done, long all, String what) {
                }

                @Override
                public boolean isCancelled() {
                    return true;
                }
            };
            assertThrows(CancellationException.class, () -> Fingerprint.compute(c, cancelled));
        }
    }

    @Test
    void theCacheKeepsEachAlgorithmsFingerprintOfTheSameFiles() throws IOException {
        Path model = OverlayFixtures.copyFolder(OverlayFixtures.tinyBase(), dir.resolve("base"));
        long before = Fingerprint.COMPUTED.get();
        try (ModelFolder m = Models.open(model)) {
            assertEquals(expected("base_fingerprint_v2"), Fingerprint.of(m));
            assertEquals(expected("base_fingerprint"), Fingerprint.sameForm(m, expected("base_fingerprint")));
            assertEquals(expected("base_fingerprint_v2"), Fingerprint.sameForm(m, expected("tuned_fingerprint_v2")));
            assertEquals(expected("base_fingerprint"), Fingerprint.sameForm(m, expected("tuned_fingerprint")));
        }
        assertEquals(before + 2, Fingerprint.COMPUTED.get());
        JsonNode entries = new ObjectMapper().readTree(cache.resolve(FingerprintCache.FILE_NAME).toFile())
                .get("entries");
        assertEquals(2, entries.size(), entries.toString());
    }

    @Test
    void aCancelStopsTheParallelHash() {
        try (Checkpoint c = Checkpoints.open(OverlayFixtures.tinyBase().resolve("model.safetensors"))) {
            AtomicLong asked = new AtomicLong();
            Progress cancelLater = new Progress() {
                @Override
                public void update(long done, long all, String what) {
                }

                @Override
                public boolean isCancelled() {
                    return asked.incrementAndGet() > 3;
                }
            };
            assertThrows(CancellationException.class, () -> Fingerprint.computeTree(c, cancelLater, 4, 1000));
        }
    }

    @Test
    void theWrittenFormNamesItsAlgorithm() {
        assertEquals(Optional.of(Fingerprint.Algorithm.SHA256_TREE_V2),
                Fingerprint.algorithmOf(expected("base_fingerprint_v2")));
        assertEquals(Optional.of(Fingerprint.Algorithm.SHA256_STREAM_V1),
                Fingerprint.algorithmOf(expected("base_fingerprint")));
        String hex = expected("base_fingerprint");
        for (String bad : new String[] {"sha256-tree-v9:" + hex, "sha256-tree-v2:" + hex.toUpperCase(),
                "sha256-tree-v2:" + hex.substring(1), ":" + hex, "sha256-tree-v2:", "", hex + "0"}) {
            assertFalse(Fingerprint.isWellFormed(bad), bad);
        }
        assertTrue(Fingerprint.isWellFormed("sha256-tree-v2:" + hex));
    }

    @Test
    void messagesShowTheFirstEightDigits() {
        assertEquals("a519c3d5…", Fingerprint.abbreviate(expected("base_fingerprint")));
        assertEquals("6eff5f50…", Fingerprint.abbreviate(expected("base_fingerprint_v2")));
    }

    private static Progress counting(AtomicLong reports) {
        return new Progress() {
            @Override
            public void update(long done, long total, String what) {
                reports.incrementAndGet();
            }

            @Override
            public boolean isCancelled() {
                return false;
            }
        };
    }
}
