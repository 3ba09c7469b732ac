package dev.finescope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CSVs that {@code analyze}, {@code whatif sweep} and {@code whatif masks} write on the sample workspace,
 * byte for byte as recorded in {@code src/test/resources/golden/}: any change to what a user's scripts read from
 * them shows here. The repository's own path, which the sweep's header names, is written as {@code <repo>}.
 */
class GoldenCsvTest {

    private static final Path GOLDEN = Path.of("src/test/resources/golden");
    private static final String REPO = Path.of("").toAbsolutePath().normalize() + "/";

    @TempDir
    Path dir;

    @Test
    void analyzeOfTwoSampleOverlays() throws IOException {
        Path csv = dir.resolve("analyze.csv");
        CliRun run = CliRun.of("analyze", "--base", "builtin:all-MiniLM-L6-v2",
                "--tuned", "sample-models/full/overlay.safetensors",
                "--tuned", "sample-models/masks-10/overlay.safetensors", "--csv", csv.toString());
        assertEquals(0, run.code(), run.err());
        assertSameAsGolden("analyze.csv", csv);
    }

    @Test
    void whatIfSweepOfTheTenPercentMasksByLayer() throws IOException {
        Path csv = dir.resolve("sweep.csv");
        CliRun run = CliRun.of("whatif", "sweep", "--model", "sample-models/masks-10/overlay.safetensors",
                "--data", "sample-models/data/uci-sentiment/dev.tsv", "--task", "SST-2", "--granularity", "row",
                "--sparsity", "0.9", "--csv", csv.toString());
        assertEquals(0, run.code(), run.err());
        assertSameAsGolden("whatif-sweep.csv", csv);
    }

    @Test
    void whatIfMasksOfThreeSampleRuns() throws IOException {
        Path csv = dir.resolve("masks.csv");
        CliRun run = CliRun.of("whatif", "masks", "sample-models/masks-01/overlay.safetensors",
                "sample-models/masks-10/overlay.safetensors", "sample-models/masks-40/overlay.safetensors",
                "--csv", csv.toString());
        assertEquals(0, run.code(), run.err());
        assertSameAsGolden("whatif-masks.csv", csv);
    }

    private static void assertSameAsGolden(String name, Path written) throws IOException {
        String actual = Files.readString(written, StandardCharsets.UTF_8).replace(REPO, "<repo>/");
        if (Boolean.getBoolean("golden.update")) {
            Files.writeString(GOLDEN.resolve(name), actual, StandardCharsets.UTF_8);
        }
        assertEquals(Files.readString(GOLDEN.resolve(name), StandardCharsets.UTF_8), actual, name);
    }
}
