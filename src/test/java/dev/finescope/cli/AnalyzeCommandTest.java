package dev.finescope.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code analyze} refuses before it reads any model. */
class AnalyzeCommandTest {

    @TempDir
    Path dir;

    private Path baseFile;
    private Path tunedFile;
    private Path tunedFolder;
    private final byte[] baseBytes = {1, 2, 3, 4};

    @BeforeEach
    void inputs() throws IOException {
        baseFile = Files.write(dir.resolve("base.safetensors"), baseBytes);
        tunedFile = Files.write(dir.resolve("tuned.safetensors"), new byte[] {5, 6});
        tunedFolder = Files.createDirectory(dir.resolve("tuned-model"));
    }

    private static void assertOneLineError(CliRun run, String... fragments) {
        assertEquals(2, run.code(), run.err());
        assertEquals(1, run.errLines().size(), () -> "one line expected, got:\n" + run.err());
        assertTrue(run.err().startsWith("finescope: "), run.err());
        for (String f : fragments) {
            assertTrue(run.err().contains(f), () -> "'" + f + "' missing from: " + run.err());
        }
    }

    @Test
    void missingBaseFileExitsTwoNamingThePath() {
        Path missing = dir.resolve("no-such-model");
        CliRun run = CliRun.of("analyze", "--base", missing.toString(), "--tuned", tunedFile.toString());
        assertOneLineError(run, missing.toString(), "no such file or folder");
        assertEquals("", run.out());
    }

    @Test
    void missingSecondTunedModelExitsTwoNamingThePath() {
        Path missing = dir.resolve("gone.bin");
        CliRun run = CliRun.of("analyze", "--base", baseFile.toString(), "--tuned", tunedFile.toString(),
                "--tuned", missing.toString());
        assertOneLineError(run, missing.toString());
    }

    @Test
    void debugAddsTheStackTrace() {
        Path missing = dir.resolve("no-such-model");
        CliRun run = CliRun.of("analyze", "--base", missing.toString(), "--tuned", tunedFile.toString(),
                "--debug");
        assertEquals(2, run.code());
        assertTrue(run.errLines().size() > 1, run.err());
        assertTrue(run.errLines().get(0).contains(missing.toString()), run.err());
        assertTrue(run.err().contains("\tat dev.finescope.cli.AnalyzeCommand"), run.err());
    }

    @Test
    void unknownMetricExitsTwoAndListsTheKnownOnes() {
        CliRun run = CliRun.of("analyze", "--base", baseFile.toString(), "--tuned", tunedFile.toString(),
                "--metric", "wobble");
        assertOneLineError(run, "unknown metric 'wobble'", "rel_l2", "angle_rad", "--metric");
    }

    @Test
    void metricNamesAreAcceptedInEitherSpelling() {
        // parsed fine, so the run gets as far as the output check
        CliRun run = CliRun.of("analyze", "--base", baseFile.toString(), "--tuned", tunedFile.toString(),
                "--metric", "ANGLE_RAD", "--csv", baseFile.toString());
        assertOneLineError(run, "is an input model");
    }

    @Test
    void csvOverAnInputFileIsRefusedAndTheInputIsUntouched() throws IOException {
        CliRun run = CliRun.of("analyze", "--base", baseFile.toString(), "--tuned", tunedFile.toString(),
                "--csv", baseFile.toString());
        assertOneLineError(run, baseFile.toString(), "is an input model");
        assertArrayEquals(baseBytes, Files.readAllBytes(baseFile));
    }

    @Test
    void pngOverAnInputReachedByAnotherSpellingIsRefused() throws IOException {
        Files.createDirectory(dir.resolve("sub"));
        Path sameFile = dir.resolve("sub/../tuned.safetensors");
        CliRun run = CliRun.of("analyze", "--base", baseFile.toString(), "--tuned", tunedFile.toString(),
                "--png", sameFile.toString());
        assertOneLineError(run, "is an input model");
    }

    @Test
    void outputThroughALinkToAnInputIsRefused() throws IOException {
        Path link = Files.createSymbolicLink(dir.resolve("link.png"), tunedFile);
        CliRun run = CliRun.of("analyze", "--base", baseFile.toString(), "--tuned", tunedFile.toString(),
                "--png", link.toString());
        assertOneLineError(run, "is an input model");
    }

    @Test
    void outputInsideAnInputFolderIsRefused() {
        Path inside = tunedFolder.resolve("heat.png");
        CliRun run = CliRun.of("analyze", "--base", baseFile.toString(), "--tuned", tunedFolder.toString(),
                "--png", inside.toString());
        assertOneLineError(run, inside.toString(), "inside the input folder");
        assertTrue(Files.notExists(inside));
    }

    @Test
    void outputInAMissingFolderIsRefusedBeforeAnyWork() {
        Path nowhere = dir.resolve("missing/out.csv");
        CliRun run = CliRun.of("analyze", "--base", baseFile.toString(), "--tuned", tunedFile.toString(),
                "--csv", nowhere.toString());
        assertOneLineError(run, nowhere.toString(), "does not exist");
    }

    @Test
    void outputThatIsAFolderIsRefused() {
        CliRun run = CliRun.of("analyze", "--base", baseFile.toString(), "--tuned", tunedFile.toString(),
                "--csv", dir.toString());
        assertOneLineError(run, "is a folder");
    }

    @Test
    void oneFileForTwoOutputsIsRefused() {
        Path out = dir.resolve("out.png");
        CliRun run = CliRun.of("analyze", "--base", baseFile.toString(), "--tuned", tunedFile.toString(),
                "--png", out.toString(), "--svg", out.toString());
        assertOneLineError(run, "named for two outputs");
    }

    @Test
    void zeroThreadsIsAUsageError() {
        CliRun run = CliRun.of("analyze", "--base", baseFile.toString(), "--tuned", tunedFile.toString(),
                "--threads", "0");
        assertOneLineError(run, "--threads must be at least 1");
    }

    @Test
    void severalTunedModelsGetOneChartFileEach() {
        Path png = dir.resolve("heat.png");
        assertEquals(List.of(png), AnalyzeCommand.perModel(png, List.of("tuned")));
        assertEquals(List.of(dir.resolve("heat-sst2.png"), dir.resolve("heat-a_model.png"),
                        dir.resolve("heat-a_model-2.png")),
                AnalyzeCommand.perModel(png, List.of("sst2", "a/model", "a model")));
    }

    @Test
    void tableNumbersAreCompact() {
        assertEquals("1.23e-03", AnalyzeCommand.number("%.2e", 1.2345e-3));
        assertEquals("0", AnalyzeCommand.number("%.2e", 0));
        assertEquals("NaN", AnalyzeCommand.number("%.2e", Double.NaN));
    }
}
