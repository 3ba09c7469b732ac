package dev.finescope.checkpoint.imports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.finescope.checkpoint.CheckpointException;
import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.checkpoint.SafetensorsReader;
import dev.finescope.checkpoint.SafetensorsWriter;
import dev.finescope.checkpoint.UserDirectories;
import dev.finescope.checkpoint.overlay.Fingerprint;
import dev.finescope.checkpoint.overlay.Models;
import dev.finescope.checkpoint.overlay.Overlay;
import dev.finescope.common.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed sample fine-tunes open on the built-in MiniLM, imported here from the jar on the class path into a
 * cache of the test's own: by the fingerprint they carry now, and by the first algorithm's fingerprint that they
 * carried when they were made, so that overlays written by earlier versions keep opening on their base.
 */
class SampleOverlaysTest {

    private static final Path SAMPLES = Path.of("sample-models");
    /** The built-in MiniLM's fingerprint by the first algorithm, as the samples recorded it when they were made. */
    private static final String MINILM_V1 = "0a5a119868b80cf8aa3cf107e0243b7ccb0e44d5e904a97f3ef9ac2926c73148";
    private static final String MINILM_V2 =
            "sha256-tree-v2:6a642acce7c46bddced7c9f1e9228898cbc2e7af83b31d2bb3bd99034a232995";

    @TempDir
    static Path cache;

    @TempDir
    Path dir;

    @BeforeAll
    static void importTheBuiltInBaseIntoATestCache() {
        System.setProperty(UserDirectories.CACHE_PROPERTY, cache.toString());
        BuiltinBase.register();
        BuiltinBase.folder(Progress.NONE);
    }

    @AfterAll
    static void forgetTheTestCache() {
        System.clearProperty(UserDirectories.CACHE_PROPERTY);
    }

    private static List<Path> samples() throws IOException {
        try (Stream<Path> folders = Files.list(SAMPLES)) {
            return folders.map(f -> f.resolve("overlay.safetensors")).filter(Files::isRegularFile).sorted().toList();
        }
    }

    @Test
    void everySampleOverlayOpensOnTheBuiltInBaseByTheCurrentFingerprint() throws IOException {
        List<Path> overlays = samples();
        assertEquals(8, overlays.size(), overlays.toString());
        try (ModelFolder base = Models.open(BuiltinBase.folder(Progress.NONE))) {
            assertEquals(MINILM_V2, Fingerprint.of(base));
            assertEquals(MINILM_V1, Fingerprint.of(base, Fingerprint.Algorithm.SHA256_STREAM_V1, Progress.NONE));
        }
        for (Path file : overlays) {
            try (Overlay o = Overlay.open(file); ModelFolder m = Models.open(file)) {
                assertEquals(MINILM_V2, o.baseFingerprint(), file.toString());
                assertEquals(List.of("negative", "positive"), o.labels(), file.toString());
                assertTrue(m.weights().contains(Overlay.CLASSIFIER_WEIGHT), file.toString());
            }
        }
    }

    @Test
    void aSampleOverlayWithTheFirstFingerprintFormStillOpensOnItsBase() {
        Path old = withBaseFingerprint(SAMPLES.resolve("masks-10/overlay.safetensors"), MINILM_V1, "old.safetensors");
        try (ModelFolder m = Models.open(old);
             ModelFolder now = Models.open(SAMPLES.resolve("masks-10/overlay.safetensors"))) {
            assertEquals(now.weights().tensorNames(), m.weights().tensorNames());
            String name = "encoder.layer.3.intermediate.dense.weight";
            assertTrue(m.weights().contains(name));
            assertEquals(java.util.Arrays.toString(now.weights().tensor(name).toFloatArray()),
                    java.util.Arrays.toString(m.weights().tensor(name).toFloatArray()));
        }
    }

    @Test
    void aFirstFormFingerprintOfAnotherBaseIsRefusedNamingBoth() {
        String other = "f".repeat(64);
        Path wrong = withBaseFingerprint(SAMPLES.resolve("head-only/overlay.safetensors"), other, "wrong.safetensors");
        CheckpointException e = assertThrows(CheckpointException.class, () -> Models.open(wrong));
        assertTrue(e.getMessage().contains("(fingerprint ffffffff…), but 'all-MiniLM-L6-v2'")
                && e.getMessage().endsWith("has fingerprint 0a5a1198…"), e.getMessage());
        assertFalse(e.getMessage().contains("6a642acc"), "compared in the overlay's own form: " + e.getMessage());
    }

    /** A copy of {@code overlay} in this test's folder whose recorded base fingerprint is {@code fingerprint}. */
    private Path withBaseFingerprint(Path overlay, String fingerprint, String name) {
        Path target = dir.resolve(name);
        try (SafetensorsReader r = SafetensorsReader.open(overlay)) {
            Map<String, String> meta = new LinkedHashMap<>(r.metadata());
            meta.put(Overlay.BASE_FINGERPRINT_KEY, fingerprint);
            SafetensorsWriter w = new SafetensorsWriter().metadata(meta);
            for (String n : r.tensorNames()) {
                w.addCopy(r.tensor(n));
            }
            w.write(target);
        }
        return target;
    }
}
