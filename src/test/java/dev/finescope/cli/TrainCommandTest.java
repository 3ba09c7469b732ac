package dev.finescope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.finescope.checkpoint.GridColumn;
import dev.finescope.plan.Action;
import dev.finescope.plan.MatrixCell;
import dev.finescope.plan.Plan;
import dev.finescope.plan.PlanJson;
import dev.finescope.plan.Presets;
import dev.finescope.run.RunEvent;
import dev.finescope.run.RunFolder;
import dev.finescope.run.RunSpec;
import dev.finescope.train.TinyRuns;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code finescope train} from flags and from a spec, in process, on the tiny BERT and task. */
class TrainCommandTest {

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

    private static String[] flags(Path out, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("train", "--base", TinyRuns.BASE.toString(),
                "--data", TinyRuns.TASK.toString(), "--task", "sst2", "--out", out.toString(), "--epochs", "1",
                "--batch-size", "8", "--max-len", "32", "--max-steps", "2", "--lr", "1e-3", "--device", "cpu"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    private static void assertOneLineError(CliRun run, String expected) {
        assertEquals(2, run.code(), run.err());
        assertEquals(List.of("finescope: " + expected), run.errLines());
        assertEquals("", run.out());
    }

    @Test
    void flagsAloneTrainAndWriteTheRunFolder() {
        Path out = dir.resolve("run");
        CliRun run = CliRun.of(flags(out, "--plan", "sparsify-encoder:0.1"));
        assertEquals(0, run.code(), run.err());
        RunFolder folder = RunFolder.open(out);
        assertTrue(run.out().startsWith("finished after 2 steps: accuracy "), run.out());
        assertTrue(run.out().contains("overlay: " + folder.overlayFile()), run.out());
        for (Path p : List.of(folder.specFile(), folder.eventsFile(), folder.logFile(), folder.overlayFile(),
                folder.metricsFile())) {
            assertTrue(Files.isRegularFile(p), p + " missing");
        }
        RunSpec spec = folder.spec();
        assertEquals("sparsify encoder at 10%", spec.plan().load().name());
        assertEquals(2, spec.hyperParameters().maxSteps());
        assertTrue(folder.logTail(100).stream().anyMatch(l -> l.contains("plan 'sparsify encoder at 10%'")));
        assertTrue(run.err().contains("step 2/2"), "the log goes to standard error too: " + run.err());
    }

    @Test
    void eventsOnStdoutAreTheOnlyOutputThere() {
        Path out = dir.resolve("run");
        CliRun run = CliRun.of(flags(out, "--events", "stdout"));
        assertEquals(0, run.code(), run.err());
        List<String> types = run.out().lines().map(l -> RunEvent.parse(l).type()).toList();
        assertEquals(List.of("started", "step", "step", "evaluation", "finished"), types);
        assertEquals(RunFolder.open(out).events().events().stream().map(RunEvent::toJsonLine).toList(),
                run.out().lines().toList());
        RunEvent.Started started = assertInstanceOf(RunEvent.Started.class, RunEvent.parse(run.out().lines()
                .findFirst().orElseThrow()));
        assertTrue(started.device().startsWith("cpu ("), started.device());
        assertEquals(32, started.trainExamples());
        assertEquals(12, started.devExamples());
        assertEquals(2, started.totalSteps());
    }

    @Test
    void flagsOverrideTheSpec() throws IOException {
        Path specOut = dir.resolve("from-spec");
        RunSpec spec = TinyRuns.spec(Presets.fullFineTuning(), TinyRuns.FEW_STEPS, specOut);
        Path file = dir.resolve("run.json");
        spec.write(file);
        Path out = dir.resolve("overridden");
        CliRun run = CliRun.of("train", "--spec", file.toString(), "--max-steps", "1", "--out", out.toString(),
                "--plan", "biases-only");
        assertEquals(0, run.code(), run.err());
        assertFalse(Files.exists(specOut));
        RunSpec written = RunFolder.open(out).spec();
        assertEquals(1, written.hyperParameters().maxSteps());
        assertEquals(TinyRuns.FEW_STEPS.seed(), written.hyperParameters().seed());
        assertEquals("biases only (BitFit)", written.plan().load().name());
        assertEquals(1, RunFolder.open(out).events().lastStep().orElseThrow().step());
    }

    @Test
    void aMissingBaseExitsTwoWithOneLineAndWritesNothing() {
        Path out = dir.resolve("run");
        Path missing = dir.resolve("no-model");
        CliRun run = CliRun.of("train", "--base", missing.toString(), "--data", TinyRuns.TASK.toString(),
                "--task", "SST-2", "--out", out.toString(), "--plan", "full");
        assertOneLineError(run, "the run cannot start: base model " + missing + " does not exist");
        assertFalse(Files.exists(out));
    }

    @Test
    void anImpossiblePlanFileExitsTwoBeforeTraining() {
        Path out = dir.resolve("run");
        Path plan = dir.resolve("plan.json");
        PlanJson.write(Plan.uniform("deep", Action.FREEZE).with(MatrixCell.layer(13, GridColumn.FFN_IN),
                Action.sparsify(0.1)), plan);
        CliRun run = CliRun.of(flags(out, "--plan", plan.toString()));
        assertOneLineError(run, "plan 'deep' does not fit the model: layer 13 does not exist (the model has 2 "
                + "layers: 0–1)");
        assertFalse(Files.exists(out));
    }

    @Test
    void anUnknownPresetListsThePresets() {
        CliRun run = CliRun.of(flags(dir.resolve("run"), "--plan", "everything"));
        assertOneLineError(run, "--plan everything is neither a plan file nor a preset (" + PlanChoice.PRESETS + ")");
    }

    @Test
    void aFolderTheAppPreparedLearnsWhyItsRunDidNotStart() {
        Path out = dir.resolve("prepared");
        Plan plan = Plan.uniform("deep", Action.FREEZE).with(MatrixCell.layer(13, GridColumn.Q), Action.FINE_TUNE);
        RunFolder folder = RunFolder.prepare(TinyRuns.spec(plan, TinyRuns.FEW_STEPS, out));
        CliRun run = CliRun.of("train", "--spec", folder.specFile().toString(), "--events", "stdout");
        String reason = "plan 'deep' does not fit the model: layer 13 does not exist (the model has 2 layers: 0–1)";
        assertEquals(2, run.code());
        assertEquals(List.of("finescope: " + reason), run.errLines());
        RunEvent.Failed failed = assertInstanceOf(RunEvent.Failed.class, folder.events().terminal().orElseThrow());
        assertEquals(reason, failed.reason());
        assertEquals(List.of(failed.toJsonLine()), run.out().lines().toList());
    }

    @Test
    void evalOfTheRunsOverlayGivesExactlyTheRunsMetrics() throws IOException {
        Path out = dir.resolve("run");
        CliRun train = CliRun.of(flags(out, "--plan", "sparsify-encoder:0.3", "--score-lr",
                "0.1"));
        assertEquals(0, train.code(), train.err());
        RunFolder folder = RunFolder.open(out);
        CliRun eval = CliRun.of("eval", "--model", folder.overlayFile().toString(), "--data",
                TinyRuns.TASK.toString(), "--task", "SST-2", "--batch-size", "8", "--max-len", "32", "--json");
        assertEquals(0, eval.code(), eval.err());
        JsonNode dev = new ObjectMapper().readTree(eval.out()).get("dev");
        Map<String, Double> evaluated = new LinkedHashMap<>();
        dev.fields().forEachRemaining(e -> evaluated.put(e.getKey(), e.getValue().asDouble()));
        assertEquals(folder.readMetrics().orElseThrow(), evaluated);
    }
}
