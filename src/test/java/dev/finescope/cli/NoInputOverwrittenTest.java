package dev.finescope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.finescope.checkpoint.Checkpoint;
import dev.finescope.checkpoint.Checkpoints;
import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.checkpoint.overlay.Models;
import dev.finescope.checkpoint.overlay.OverlayWriter;
import dev.finescope.plan.Presets;
import dev.finescope.run.RunFolder;
import dev.finescope.run.RunSpec;
import dev.finescope.train.TinyRuns;
import dev.finescope.whatif.TinyWhatIf;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ways a command once destroyed what a user gave it: predictions written over the data, a run written over a
 * user's own files or over its own spec, two sweeps writing one CSV. Each is refused with one line and exit
 * code 2, and the user's files keep their bytes.
 */
class NoInputOverwrittenTest {

    @TempDir
    Path dir;

    @BeforeEach
    void cache() {
        TinyRuns.cacheIn(dir.resolve("cache"));
    }

    @AfterEach
    void noCache() {
        TinyRuns.clearCache();
    }

    /** SHA-256 of every file under {@code root}, by path relative to it. */
    static Map<String, String> hashes(Path root) {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                out.put(root.relativize(p).toString(), HexFormat.of().formatHex(
                        MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    static Path copyTree(Path from, Path to) {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return to;
    }

    private static void assertRefused(CliRun run, Path named) {
        assertEquals(2, run.code(), run.err() + run.out());
        assertEquals(1, run.errLines().size(), run.err());
        assertTrue(run.errLines().get(0).startsWith("finescope: " + named + ": "), run.err());
    }

    private CliRun eval(Path data, Path predictions) {
        return CliRun.of("eval", "--model", TinyRuns.BASE.toString(), "--data", data.toString(), "--task", "SST-2",
                "--max-len", "32", "--device", "cpu", "--predictions", predictions.toString());
    }

    @Test
    void evalPredictionsOntoAFileOfTheDataFolderAreRefused() {
        Path task = copyTree(TinyRuns.TASK, dir.resolve("task"));
        Map<String, String> before = hashes(task);
        for (String file : List.of("dev.tsv", "train.tsv")) {
            CliRun run = eval(task, task.resolve(file));
            assertRefused(run, task.resolve(file));
            assertEquals(List.of("finescope: " + task.resolve(file) + ": lies inside the input folder " + task
                    + "; write it elsewhere"), run.errLines());
        }
        assertEquals(before, hashes(task));
    }

    @Test
    void evalPredictionsOntoTheTaskFileOfAGlueFolderAreRefused() {
        Path glue = dir.resolve("glue");
        copyTree(TinyRuns.TASK, glue.resolve("SST-2"));
        Map<String, String> before = hashes(glue);
        CliRun run = eval(glue, glue.resolve("SST-2/dev.tsv"));
        assertRefused(run, glue.resolve("SST-2/dev.tsv"));
        assertEquals(before, hashes(glue));
    }

    private static String[] train(Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--base", TinyRuns.BASE.toString(), "--data",
                TinyRuns.TASK.toString(), "--task", "sst2", "--out", out.toString(), "--epochs", "1",
                "--batch-size", "8", "--max-len", "32", "--max-steps", "2", "--lr", "1e-3", "--device", "cpu"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    void trainIntoAFolderHoldingTheUsersOwnFilesIsRefused() throws IOException {
        Path mine = dir.resolve("mine");
        Files.createDirectories(mine);
        Files.writeString(mine.resolve("metrics.json"), "{\"accuracy\": 0.97}\n");
        Files.write(mine.resolve("overlay.safetensors"), new byte[] {1, 2, 3, 4});
        Files.writeString(mine.resolve("log.txt"), "my notes\n");
        Map<String, String> before = hashes(mine);
        CliRun run = CliRun.of(train(mine));
        assertRefused(run, mine);
        assertEquals(List.of("finescope: " + mine + ": is not empty (it holds log.txt, metrics.json, "
                + "overlay.safetensors); choose a new or empty folder"), run.errLines());
        assertEquals(before, hashes(mine));
    }

    @Test
    void trainWithTheSpecInsideItsOwnOutputFolderLeavesTheSpecAlone() throws IOException {
        Path exp = dir.resolve("exp");
        Files.createDirectories(exp);
        Path specFile = exp.resolve("spec.json");
        RunSpec spec = TinyRuns.spec(Presets.fullFineTuning(), TinyRuns.FEW_STEPS, dir.resolve("elsewhere"));
        // written by hand: indented differently from what FineScope writes
        Files.writeString(specFile, spec.toJson().replace("  ", "    "), StandardCharsets.UTF_8);
        Map<String, String> before = hashes(exp);
        CliRun run = CliRun.of("train", "--spec", specFile.toString(), "--out", exp.toString(), "--max-steps", "1");
        assertRefused(run, exp);
        assertEquals(before, hashes(exp));
        assertFalse(Files.exists(exp.resolve(RunFolder.EVENTS_FILE)));
    }

    @Test
    void aFolderTheAppPreparedForThisSpecStillTrains() {
        Path run = dir.resolve("prepared");
        RunSpec spec = TinyRuns.spec(Presets.fullFineTuning(), TinyRuns.FEW_STEPS.toBuilder().maxSteps(1).build(),
                run);
        RunFolder.prepare(spec);
        CliRun done = CliRun.of("train", "--spec", run.resolve("spec.json").toString());
        assertEquals(0, done.code(), done.err());
        assertTrue(Files.isRegularFile(run.resolve(RunFolder.OVERLAY_FILE)));
    }

    @Test
    void aWhatIfOutputIntoTheBaseThatAnOverlayNamesIsRefused() throws IOException {
        Path base = copyTree(TinyRuns.BASE, dir.resolve("base"));
        Path overlay = dir.resolve("run/overlay.safetensors");
        Files.createDirectories(overlay.getParent());
        try (ModelFolder b = Models.open(base);
             Checkpoint c = Checkpoints.open(base.resolve("model.safetensors"))) {
            OverlayWriter w = OverlayWriter.forBase(b, OverlayWriter.relativeHint(overlay, base));
            for (String name : c.tensorNames()) {
                if (name.startsWith("classifier.")) {
                    w.head(name, c.tensor(name).shape(), c.tensor(name).toFloatArray());
                }
            }
            w.write(overlay);
        }
        Map<String, String> before = hashes(base);
        Path csv = base.resolve("vocab.txt");
        CliRun run = CliRun.of("whatif", "prune", "--model", overlay.toString(), "--data", TinyRuns.TASK.toString(),
                "--task", "SST-2", "--max-len", "32", "--sparsity", "0.5", "--csv", csv.toString());
        assertRefused(run, csv);
        assertEquals(before, hashes(base));
    }

    /**
     * While one command writes the CSV (here: holds its lock, as a running sweep does from its check to its end),
     * a second sweep onto it is refused in one line; once it is free the sweep runs. Holding the lock in the test
     * makes the overlap certain, where two sweeps started together may happen not to overlap at all.
     */
    @Test
    void aSweepOntoACsvAnotherCommandIsWritingIsRefusedAndRunsOnceItIsFree() throws Exception {
        Path tuned = TinyWhatIf.tunedFolder(dir.resolve("models"));
        Path csv = dir.resolve("sweep.csv");
        String[] sweep = {"whatif", "sweep", "--model", tuned.toString(), "--base", TinyWhatIf.BASE.toString(),
            "--data", TinyWhatIf.DATA.toString(), "--task", "SST-2", "--max-len", "32", "--batch-size", "5",
            "--sparsity", "0.3,0.6", "--csv", csv.toString()};
        try (OutputPaths writing = OutputPaths.of().file("--csv", csv).check()) {
            CliRun refused = CliRun.of(sweep);
            assertEquals(2, refused.code(), refused.err());
            assertEquals(List.of("finescope: " + csv + ": another finescope command is writing it now; wait for it "
                    + "to end or choose another file"), refused.errLines());
            assertFalse(Files.exists(csv), "the refused sweep wrote nothing");
        }
        CliRun ran = CliRun.of(sweep);
        assertEquals(0, ran.code(), ran.err());
        // the sweep wrote its whole grid: 2 layers × 6 matrices × 2 sparsities
        List<String> lines = Files.readAllLines(csv);
        assertEquals(2 * 6 * 2,
                lines.size() - lines.indexOf("layer,column,sparsity,metric,delta,gained,lost,examples") - 1);
    }

    /** As for the sweep: a train into a folder another command is writing is refused, then runs once it is free. */
    @Test
    void aTrainIntoAFolderAnotherCommandIsWritingIsRefusedAndRunsOnceItIsFree() throws Exception {
        Path out = dir.resolve("run");
        try (OutputPaths writing = OutputPaths.of().folder("--out", out).check()) {
            CliRun refused = CliRun.of(train(out));
            assertEquals(2, refused.code(), refused.err());
            assertEquals(1, refused.errLines().size(), refused.err());
            assertTrue(refused.errLines().get(0).startsWith("finescope: " + out + ": "), refused.err());
        }
        CliRun ran = CliRun.of(train(out));
        assertEquals(0, ran.code(), ran.err());
        assertEquals(2, RunFolder.open(out).events().lastStep().orElseThrow().step());
    }
}
