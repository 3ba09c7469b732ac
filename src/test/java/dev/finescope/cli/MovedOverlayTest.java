package dev.finescope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.finescope.checkpoint.Checkpoint;
import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.checkpoint.overlay.Models;
import dev.finescope.checkpoint.overlay.OverlayWriter;
import dev.finescope.train.TinyRuns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An overlay copied away from its base (its relative base hint then leads nowhere) is still evaluated: on the base
 * its fingerprint finds through the per-user cache, or on the base given with {@code --base}; with neither, one
 * line says how to give it.
 */
class MovedOverlayTest {

    @TempDir
    Path dir;

    private Path base;
    private Path overlay;
    private Path copy;

    @BeforeEach
    void overlayOnACopyOfTheTinyBase() throws IOException {
        TinyRuns.cacheIn(dir.resolve("cache"));
        base = Files.createDirectories(dir.resolve("models/tiny"));
        for (String f : List.of("config.json", "vocab.txt", "model.safetensors")) {
            Files.copy(TinyRuns.BASE.resolve(f), base.resolve(f));
        }
        overlay = dir.resolve("runs/one/overlay.safetensors");
        Files.createDirectories(overlay.getParent());
        try (ModelFolder b = Models.open(base)) {
            Checkpoint w = b.weights();
            OverlayWriter writer = OverlayWriter.forBase(b, OverlayWriter.relativeHint(overlay, base));
            for (String name : List.of("classifier.weight", "classifier.bias")) {
                float[] v = w.tensor(name).toFloatArray();
                for (int i = 0; i < v.length; i++) {
                    v[i] += (i % 3 - 1) * 0.25f;
                }
                writer.head(name, w.tensor(name).shape(), v);
            }
            writer.write(overlay);
        }
        copy = dir.resolve("elsewhere/deeper/still/copied.safetensors");
        Files.createDirectories(copy.getParent());
        Files.copy(overlay, copy);
    }

    @AfterEach
    void noCache() {
        TinyRuns.clearCache();
    }

    private static CliRun eval(Path model, String... more) {
        List<String> args = new ArrayList<>(List.of("eval", "--model", model.toString(), "--data",
                TinyRuns.TASK.toString(), "--task", "SST-2", "--max-len", "32", "--device", "cpu"));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void aCopiedOverlayFindsItsBaseByFingerprint() {
        CliRun original = eval(overlay);
        assertEquals(0, original.code(), original.err());
        assertFalse(Files.exists(copy.getParent().resolve("../../models/tiny").normalize()), "the hint leads nowhere");
        CliRun copied = eval(copy);
        assertEquals(0, copied.code(), copied.err());
        assertEquals(original.out(), copied.out(), "the same model, so the same metrics");
    }

    @Test
    void withoutAKnownFingerprintTheBaseIsGivenWithDashDashBase() {
        CliRun original = eval(overlay);
        assertEquals(0, original.code(), original.err());
        // a fresh per-user cache: nothing remembers where the base is
        TinyRuns.cacheIn(dir.resolve("fresh-cache"));
        CliRun lost = eval(copy);
        assertEquals(2, lost.code(), lost.err());
        assertEquals("finescope: " + copy + ": names its base 'tiny' at '../../models/tiny', but "
                + dir.resolve("elsewhere/models/tiny") + " does not exist, and no model with its fingerprint is known "
                + "here; give its base (--base on the command line; in the app, the workspace's base)\n",
                lost.err().replace("\r\n", "\n"));
        CliRun given = eval(copy, "--base", base.toString());
        assertEquals(0, given.code(), given.err());
        assertEquals(original.out(), given.out());
        // once opened on its base, the base's fingerprint is remembered and the copy opens alone
        CliRun again = eval(copy);
        assertEquals(0, again.code(), again.err());
        assertEquals(original.out(), again.out());
    }

    @Test
    void analyzeOpensACopiedOverlayOnItsDashDashBase() throws IOException {
        TinyRuns.cacheIn(dir.resolve("fresh-cache"));
        Path csv = Files.createDirectories(dir.resolve("out")).resolve("copied.csv");
        CliRun copied = CliRun.of("analyze", "--base", base.toString(), "--tuned", copy.toString(), "--csv",
                csv.toString());
        assertEquals(0, copied.code(), copied.err());
        Path expected = dir.resolve("out/original.csv");
        CliRun original = CliRun.of("analyze", "--base", base.toString(), "--tuned", overlay.toString(), "--csv",
                expected.toString());
        assertEquals(0, original.code(), original.err());
        // the same tensors moved as far: only the models' labels differ
        assertEquals(withoutLabels(expected), withoutLabels(csv));
        assertEquals(42, withoutLabels(csv).size(), "a header and a row per tensor of the tiny BERT");
    }

    @Test
    void dashDashBaseOnAModelThatIsNotAnOverlayIsOneLine() {
        CliRun run = eval(base, "--base", base.toString());
        assertEquals(2, run.code(), run.err());
        assertTrue(run.err().startsWith("finescope: " + base), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
    }

    private static List<String> withoutLabels(Path csv) throws IOException {
        return Files.readAllLines(csv).stream().map(l -> l.substring(l.indexOf(',') + 1)).toList();
    }
}
