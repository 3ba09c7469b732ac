package dev.finescope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.finescope.train.TinyRuns;
import dev.finescope.whatif.TinyWhatIf;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code finescope whatif …} and {@code finescope bench whatif} on the tiny BERT and the sample masks. */
class WhatIfCommandTest {

    @TempDir
    static Path shared;
    static Path tuned;

    @TempDir
    Path dir;

    @BeforeAll
    static void fixtures() {
        TinyRuns.cacheIn(shared.resolve("cache"));
        tuned = TinyWhatIf.tunedFolder(shared);
    }

    @AfterAll
    static void clear() {
        TinyRuns.clearCache();
    }

    private static CliRun whatif(String command, String... more) {
        List<String> args = new ArrayList<>(List.of("whatif", command, "--model", tuned.toString(), "--base",
                TinyWhatIf.BASE.toString(), "--data", TinyWhatIf.DATA.toString(), "--task", "SST-2", "--max-len", "32",
                "--batch-size", "5"));
        args.addAll(Arrays.asList(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void prunePrintsOneRowPerSparsityAndWritesThemAsCsv() throws IOException {
        Path csv = dir.resolve("prune.csv");
        CliRun run = whatif("prune", "--select", "1:FFN-in", "--sparsity", "0,0.5", "--csv", csv.toString());
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().startsWith("tuned on 12 examples: accuracy "), run.out());
        assertTrue(run.out().contains("pruning 1 matrix (1:FFN-in), magnitude"), run.out());
        List<String> rows = Files.readAllLines(csv);
        assertEquals("sparsity,accuracy,delta,zeroed,entries,seconds", rows.get(0));
        assertTrue(rows.get(1).matches("0\\.0,0\\.\\d{4},\\+0\\.0000,0,2048,\\d+\\.\\d\\d"), rows.get(1));
        assertTrue(rows.get(2).matches("0\\.5,0\\.\\d{4},[+-]0\\.\\d{4},1024,2048,\\d+\\.\\d\\d"), rows.get(2));
        assertEquals(3, rows.size());
    }

    @Test
    void aSweepWritesItsCsvHeatmapsAndCurves() throws IOException {
        Path csv = dir.resolve("sweep.csv");
        Path png = dir.resolve("sweep.png");
        Path svg = dir.resolve("sweep.svg");
        CliRun run = whatif("sweep", "--columns", "Q,FFN-in", "--sparsity", "0.5", "--csv", csv.toString(), "--png",
                png.toString(), "--svg", svg.toString());
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().matches("(?s).*accuracy @ 50 %\\s+Q\\s+FFN-in\\R.*"), run.out());
        assertTrue(run.out().matches("(?s).*layer 0\\s+0\\.\\d{4}\\s+0\\.\\d{4}\\R.*"), run.out());
        List<String> lines = Files.readAllLines(csv);
        assertEquals(4, lines.size() - lines.indexOf("layer,column,sparsity,metric,delta,gained,lost,examples") - 1);
        for (String name : List.of("sweep-s50.png", "sweep-curves.png")) {
            byte[] head = Arrays.copyOf(Files.readAllBytes(dir.resolve(name)), 4);
            assertEquals("\u0089PNG", new String(head, java.nio.charset.StandardCharsets.ISO_8859_1), name);
        }
        for (String name : List.of("sweep-s50.svg", "sweep-curves.svg")) {
            assertTrue(Files.readString(dir.resolve(name)).contains("<svg"), name);
        }
    }

    @Test
    void aSweepResumesFromItsCsvAndRefusesAnotherSweepsCsv() throws IOException {
        Path csv = dir.resolve("sweep.csv");
        assertEquals(0, whatif("sweep", "--columns", "V", "--sparsity", "0.5", "--csv", csv.toString()).code());
        String first = Files.readString(csv);
        CliRun again = whatif("sweep", "--columns", "V", "--sparsity", "0.5", "--csv", csv.toString(), "--resume");
        assertEquals(0, again.code(), again.err());
        assertEquals(first, Files.readString(csv));
        CliRun other = whatif("sweep", "--columns", "K", "--sparsity", "0.5", "--csv", csv.toString(), "--resume");
        assertEquals(2, other.code());
        assertEquals(List.of("finescope: " + csv + ": holds points of another sweep (sweep: CELL V; sparsities 0.5; "
                + "magnitude; seed 42; this one: CELL K; sparsities 0.5; magnitude; seed 42); give another CSV to "
                + "start afresh"), other.errLines().stream().filter(l -> l.startsWith("finescope:")).toList());
    }

    @Test
    void revertLayersPrintsOneRowPerLayer() throws IOException {
        Path csv = dir.resolve("layers.csv");
        CliRun run = whatif("revert-layers", "--csv", csv.toString());
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().matches(
                "(?s).*layer reverted\\s+accuracy\\s+delta\\R0\\s+0\\.\\d{4}\\s+[+-]0\\.\\d{4}\\R1\\s.*"), run.out());
        assertTrue(Files.readString(csv).contains("# sweep: revert each layer"));
    }

    @Test
    void revertPrintsTheMetricAgainstTheUneditedModel() {
        CliRun run = whatif("revert", "--select", "layer:1", "--whole-layers");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().matches("(?s).*layers \\[1\\]\\s+0\\.\\d{4}\\s+0\\.\\d{4}\\s+[+-]0\\.\\d{4}.*"),
                run.out());
    }

    @Test
    void mistakesEndInOneLineWithExitCodeTwo() {
        CliRun select = whatif("prune", "--select", "layer:7", "--sparsity", "0.5");
        assertEquals(2, select.code());
        assertEquals(List.of("finescope: --select: layer 7 in 'layer:7' does not exist: the model has layers 0 … 1"),
                finescopeLines(select));

        CliRun sparsity = whatif("prune", "--sparsity", "1.5");
        assertEquals(2, sparsity.code());
        assertEquals(List.of("finescope: --sparsity must lie in 0..1, not 1.5"), finescopeLines(sparsity));

        Path missing = dir.resolve("nothing-here");
        CliRun model = CliRun.of("whatif", "prune", "--model", missing.toString(), "--data",
                TinyWhatIf.DATA.toString(), "--task", "SST-2", "--sparsity", "0.5");
        assertEquals(2, model.code());
        assertEquals(List.of("finescope: " + missing + ": does not exist"), finescopeLines(model));

        CliRun noBase = CliRun.of("whatif", "revert", "--model", tuned.toString(), "--data", TinyWhatIf.DATA.toString(),
                "--task", "SST-2", "--select", "all", "--max-len", "32");
        assertEquals(2, noBase.code());
        assertEquals(List.of("finescope: tuned: reverting needs the pre-trained base model; give a base (or open an "
                + "overlay, which names its base)"), finescopeLines(noBase));

        CliRun resume = whatif("sweep", "--resume");
        assertEquals(2, resume.code());
        assertEquals(List.of("finescope: --resume needs --csv, the file of the sweep to go on with"),
                finescopeLines(resume));

        CliRun inside = whatif("sweep", "--csv", tuned.resolve("sweep.csv").toString());
        assertEquals(2, inside.code());
        assertEquals(List.of("finescope: " + tuned.resolve("sweep.csv") + ": lies inside the input folder " + tuned
                + "; write it elsewhere"), finescopeLines(inside));
    }

    @Test
    void masksPrintsHammingAndJaccardBesideTheAccuracies() throws IOException {
        Path csv = dir.resolve("masks.csv");
        CliRun run = CliRun.of("whatif", "masks", "sample-models/masks-10/overlay.safetensors",
                "sample-models/masks-10/overlay.safetensors", "--label", "a,b", "--csv", csv.toString(), "--png",
                dir.resolve("masks.png").toString());
        assertEquals(0, run.code(), run.err());
        List<String> out = run.out().lines().toList();
        assertEquals("run  accuracy  hamming a  hamming b", out.get(0));
        assertEquals("a      0.9156     0.0000     0.0000", out.get(1));
        assertTrue(out.contains("run  jaccard a  jaccard b"), run.out());
        assertEquals("0,a,0.9155555555555556,1,b,0.9155555555555556,all,all,0.0,1.0", Files.readAllLines(csv).get(1));
        assertTrue(Files.size(dir.resolve("masks.png")) > 0);

        CliRun noMasks = CliRun.of("whatif", "masks", "sample-models/masks-10/overlay.safetensors",
                "sample-models/head-only/overlay.safetensors");
        assertEquals(2, noMasks.code());
        assertEquals(List.of("finescope: sample-models/head-only/overlay.safetensors: has no learned masks; compare "
                + "runs trained with a sparsify plan"), finescopeLines(noMasks));
    }

    @Test
    void theBenchmarkTimesAPlainEvaluationAndBothSweeps() {
        CliRun run = CliRun.of("bench", "whatif", "--model", tuned.toString(), "--base", TinyWhatIf.BASE.toString(),
                "--data", TinyWhatIf.DATA.toString(), "--max-len", "32", "--sparsity", "0.5");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("tuned on 12 examples: accuracy "), run.out());
        assertTrue(run.out().contains("sweep of 12 points without the cache"), run.out());
        assertTrue(run.out().contains("sweep of 12 points with the cache"), run.out());
        assertTrue(run.out().contains("largest metric difference between the sweeps 0.0"), run.out());
    }

    @Test
    void estimateWritesOnePointPerGridCellAndRanksItAgainstAMeasuredSweep() throws IOException {
        Path measured = dir.resolve("sweep.csv");
        assertEquals(0, whatif("sweep", "--columns", "Q,FFN-in", "--sparsity", "0.2,0.6", "--csv",
                measured.toString()).code());
        Path csv = dir.resolve("estimate.csv");
        CliRun run = whatif("estimate", "--columns", "Q,FFN-in", "--sparsity", "0.2,0.6", "--csv", csv.toString(),
                "--compare", measured.toString());
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().matches("(?s)tuned: loss \\d\\.\\d{4} unedited; estimated loss change \\(not measured\\).*"),
                run.out());
        assertTrue(run.out().matches("(?s).*Δloss @ 20 %\\s+Q\\s+FFN-in\\R.*"), run.out());
        assertTrue(run.out().matches("(?s).*Spearman's ρ, estimated loss rise against measured metric fall: "
                + "(-?\\d\\.\\d{3}|undefined) over 8 points of .*"), run.out());
        List<String> lines = Files.readAllLines(csv);
        assertEquals(WhatIfEstimate.TITLE, lines.get(0));
        assertEquals("layer,column,sparsity,first_order,second_order,loss_change", lines.get(1));
        assertEquals(2 + 2 * 2 * 2, lines.size(), "2 layers × 2 matrices × 2 sparsities");
        assertTrue(lines.get(2).startsWith("0,Q,0.2,"), lines.get(2));
    }

    @Test
    void anEstimateIsNeverTakenForAMeasuredSweep() throws IOException {
        Path csv = dir.resolve("estimate.csv");
        assertEquals(0, whatif("estimate", "--columns", "V", "--sparsity", "0.5", "--csv", csv.toString()).code());
        CliRun run = whatif("estimate", "--columns", "V", "--sparsity", "0.5", "--compare", csv.toString());
        assertEquals(2, run.code());
        assertTrue(run.err().contains(csv + ": is not a FineScope sweep CSV"), run.err());
    }

    private static List<String> finescopeLines(CliRun run) {
        return run.errLines().stream().filter(l -> l.startsWith("finescope:")).toList();
    }
}
