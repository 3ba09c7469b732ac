package dev.finescope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.finescope.train.TinyRuns;
import dev.finescope.whatif.TinyWhatIf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Problems that can be known before the long work are told before it: one line, exit code 2, nothing evaluated,
 * nothing written. A folder nobody may create files in is {@code /proc}, which refuses new files even to root.
 */
class CheckFirstTest {

    /** A folder in which no file can be created, whoever runs the tests. */
    private static final Path UNWRITABLE = Path.of("/proc");

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

    private static void assertOneLine(CliRun run, String expected) {
        assertEquals(2, run.code(), run.err());
        assertEquals(List.of("finescope: " + expected), run.errLines());
        assertEquals("", run.out());
    }

    private static String[] train(Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--base", TinyRuns.BASE.toString(), "--data",
                TinyRuns.TASK.toString(), "--task", "sst2", "--out", out.toString(), "--epochs", "1",
                "--batch-size", "8", "--max-len", "32", "--max-steps", "2", "--lr", "1e-3", "--device", "cpu"));
        for (int i = 0; i < more.length; i += 2) {
            int at = args.indexOf(more[i]);
            if (at >= 0) {
                args.set(at + 1, more[i + 1]);
            } else {
                args.addAll(List.of(more[i], more[i + 1]));
            }
        }
        return args.toArray(String[]::new);
    }

    @Test
    void aSelectionOfAMissingLayerIsToldBeforeTheModelIsEvaluated() {
        Path tuned = TinyWhatIf.tunedFolder(dir.resolve("models"));
        for (String command : List.of("prune", "revert")) {
            List<String> args = new ArrayList<>(List.of("whatif", command, "--model", tuned.toString(), "--base",
                    TinyWhatIf.BASE.toString(), "--data", TinyWhatIf.DATA.toString(), "--task", "SST-2", "--max-len",
                    "32", "--select", "layer:9"));
            if (command.equals("prune")) {
                args.addAll(List.of("--sparsity", "0.5"));
            }
            CliRun run = CliRun.of(args.toArray(String[]::new));
            assertOneLine(run, "--select: layer 9 in 'layer:9' does not exist: the model has layers 0 … 1");
        }
    }

    @Test
    void predictionsIntoAFolderThatTakesNoFilesAreRefusedBeforeTheEvaluation() {
        Path predictions = UNWRITABLE.resolve("finescope-predictions.csv");
        CliRun run = CliRun.of("eval", "--model", TinyRuns.BASE.toString(), "--data", TinyRuns.TASK.toString(),
                "--task", "SST-2", "--max-len", "32", "--device", "cpu", "--predictions", predictions.toString());
        assertEquals(2, run.code(), run.err());
        assertOneLine(run, predictions + ": cannot be written: /proc takes no new files");
    }

    @Test
    void aRunFolderThatCannotBeCreatedIsBadInputBeforeTheRun() {
        Path out = UNWRITABLE.resolve("finescope-run");
        CliRun run = CliRun.of(train(out));
        assertEquals(2, run.code(), run.err());
        assertOneLine(run, out + ": cannot be written: /proc takes no new files");
    }

    @Test
    void aBatchTooLargeForAnyMemoryIsToldAndLeavesNoRunFolder() {
        Path out = dir.resolve("run");
        CliRun run = CliRun.of(train(out, "--batch-size", "2147483647"));
        assertOneLine(run, "the run cannot start: hyperParameters.batchSize must be at most 65536 examples per step, got "
                + "2147483647");
        assertFalse(Files.exists(out));
    }
}
