package dev.finescope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.finescope.train.TinyRuns;
import dev.finescope.whatif.TinyWhatIf;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Messages that say what is wrong with the user's file in the user's words, not Java's. */
class ClearMessagesTest {

    private static final byte[] NOT_TEXT = {(byte) 0xC3, 0x28, (byte) 0xFF, (byte) 0xFE, 0x00, (byte) 0x81, 0x0A};

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
        assertEquals(List.of("finescope: " + expected), run.errLines().stream()
                .filter(l -> l.startsWith("finescope:")).toList());
    }

    private Path modelWith(String configJson) throws IOException {
        Path model = NoInputOverwrittenTest.copyTree(TinyRuns.BASE, dir.resolve("model"));
        Files.writeString(model.resolve("config.json"), configJson);
        return model;
    }

    @Test
    void aSweepCsvOfRandomBytesIsNoSweepCsv() throws IOException {
        Path tuned = TinyWhatIf.tunedFolder(dir.resolve("models"));
        Path csv = Files.write(dir.resolve("sweep.csv"), NOT_TEXT);
        CliRun run = CliRun.of("whatif", "sweep", "--model", tuned.toString(), "--base", TinyWhatIf.BASE.toString(),
                "--data", TinyWhatIf.DATA.toString(), "--task", "SST-2", "--max-len", "32", "--columns", "Q",
                "--sparsity", "0.5", "--csv", csv.toString(), "--resume");
        assertOneLine(run, csv + ": is not a FineScope sweep CSV (it is not UTF-8 text); choose another file to "
                + "resume from or write to");
    }

    @Test
    void aHugeHiddenSizeIsTooLargeNotAFraction() throws IOException {
        Path model = modelWith(Files.readString(TinyRuns.BASE.resolve("config.json"))
                .replaceFirst("\"hidden_size\"\\s*:\\s*\\d+", "\"hidden_size\": 99999999999"));
        CliRun run = CliRun.of("eval", "--model", model.toString(), "--data", TinyRuns.TASK.toString(), "--task",
                "SST-2", "--device", "cpu");
        assertOneLine(run, model.resolve("config.json") + ": hidden_size 99999999999 is too large: at most "
                + "2147483647");
    }

    @Test
    void aScoreInitBeyondAFloatIsTooLargeAndTheMessageNamesThePlan() throws IOException {
        Path plan = dir.resolve("plan.json");
        Files.writeString(plan, "{ \"format\": \"finescope-plan\", \"version\": 1, \"name\": \"huge\", "
                + "\"default\": { \"action\": \"sparsify\", \"sparsity\": 0.1 }, "
                + "\"mask\": { \"mode\": \"threshold\", \"scoreInit\": 1e308 } }\n");
        Path out = dir.resolve("run");
        CliRun run = CliRun.of("train", "--base", TinyRuns.BASE.toString(), "--data", TinyRuns.TASK.toString(),
                "--task", "sst2", "--plan", plan.toString(), "--out", out.toString(), "--max-steps", "1", "--device",
                "cpu");
        assertEquals(2, run.code(), run.err());
        assertEquals(1, run.errLines().size(), run.err());
        String line = run.errLines().get(0);
        assertEquals(true, line.contains(plan.toString()) && line.contains("score init 1.0E308 is too large: at most "
                + Float.MAX_VALUE), line);
        assertFalse(Files.exists(out));
    }

    @Test
    void weightsThatAreAFolderAreCalledAFolder() throws IOException {
        Path model = NoInputOverwrittenTest.copyTree(TinyRuns.BASE, dir.resolve("model"));
        Files.delete(model.resolve("model.safetensors"));
        Files.createDirectories(model.resolve("model.safetensors"));
        CliRun run = CliRun.of("eval", "--model", model.toString(), "--data", TinyRuns.TASK.toString(), "--task",
                "SST-2", "--device", "cpu");
        assertOneLine(run, model.resolve("model.safetensors") + ": is a folder, not a weights file; the model's "
                + "weights must be a file of this name");
    }

    @Test
    void aFailedImportLeavesNoFolderBehind() throws IOException {
        Path source = Files.write(dir.resolve("broken.onnx"), NOT_TEXT);
        Path out = dir.resolve("imports/new-model");
        CliRun run = CliRun.of("import", source.toString(), "--out", out.toString());
        assertEquals(2, run.code(), run.err());
        assertFalse(Files.exists(dir.resolve("imports")), "the folders the import created are gone");
    }
}
