package dev.finescope.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.finescope.plan.Action;
import dev.finescope.plan.Plan;
import dev.finescope.plan.PlanJson;
import dev.finescope.plan.Presets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunSpecTest {

    @TempDir
    Path dir;
    private Path base;
    private Path glue;

    @BeforeEach
    void makeInputs() throws IOException {
        base = Files.createDirectories(dir.resolve("models/minilm"));
        glue = Files.createDirectories(dir.resolve("glue"));
    }

    private RunSpec spec() {
        return new RunSpec("sst2 full", base, DataSpec.glue(glue, "sst-2"), PlanSource.of(Presets.fullFineTuning()),
                HyperParameters.builder().epochs(1).seed(7).build(), Device.CPU, dir.resolve("runs/r1"));
    }

    @Test
    void aSpecWithAnInlinePlanSurvivesWritingAndReading() {
        Path f = dir.resolve("spec.json");
        spec().write(f);
        assertEquals(spec(), RunSpec.read(f));
    }

    @Test
    void glueTaskNamesTakeGluesSpelling() {
        assertEquals("SST-2", DataSpec.glue(glue, "sst2").task());
        assertEquals("STS-B", DataSpec.glue(glue, "STS-b").task());
    }

    @Test
    void aHandWrittenSpecTakesDefaultsAndPathsRelativeToItsFolder() throws IOException {
        PlanJson.write(Plan.uniform("masks", Action.sparsify(0.1)), dir.resolve("plans/masks.json"));
        Path f = dir.resolve("spec.json");
        Files.writeString(f, """
                {"version": 1, "base": "models/minilm",
                 "data": {"kind": "file", "path": "data/train.csv", "textColumn": "sentence", "labelColumn": "label"},
                 "plan": "plans/masks.json", "hyperParameters": {"epochs": 2}, "output": "runs/x"}
                """);
        RunSpec s = RunSpec.read(f);
        assertEquals(base, s.base());
        assertEquals(dir.resolve("data/train.csv"), s.data().path());
        assertEquals(dir.resolve("plans/masks.json"), s.plan().file());
        assertEquals(Plan.uniform("masks", Action.sparsify(0.1)), s.plan().load());
        assertEquals(HyperParameters.DEFAULTS.toBuilder().epochs(2).build(), s.hyperParameters());
        assertEquals(Device.AUTO, s.device());
        assertEquals("", s.name());
    }

    @Test
    void defaultsAreThoseTheJavadocStates() {
        HyperParameters d = HyperParameters.DEFAULTS;
        assertEquals(List.of(3, 2e-5, 1e-2, 32, 128, 0.1, 0.01, 1.0, 0, 42L, 0),
                List.of(d.epochs(), d.learningRate(), d.scoreLearningRate(), d.batchSize(), d.maxLength(),
                        d.warmupRatio(), d.weightDecay(), d.gradientClip(), d.evalEverySteps(), d.seed(),
                        d.maxSteps()));
    }

    @Test
    void aValidSpecHasNoProblems() {
        assertEquals(List.of(), spec().problems());
    }

    @Test
    void missingPathsAreNamedEachInItsOwnSentence() {
        Path nobase = dir.resolve("nope");
        Path nodata = dir.resolve("noglue");
        Path noplan = dir.resolve("plan.json");
        RunSpec s = new RunSpec("", nobase, DataSpec.glue(nodata, "SST-2"), PlanSource.file(noplan),
                HyperParameters.DEFAULTS, Device.AUTO, dir.resolve("out"));
        assertEquals(List.of("base model " + nobase + " does not exist",
                "GLUE data folder " + nodata + " does not exist",
                "plan file " + noplan + " does not exist"), s.problems());
        RunException e = assertThrows(RunException.class, s::validate);
        assertEquals("the run cannot start: base model " + nobase + " does not exist; GLUE data folder " + nodata
                + " does not exist; plan file " + noplan + " does not exist", e.getMessage());
    }

    @Test
    void fileDataNeedsItsColumnsAndGlueDataAKnownTask() throws IOException {
        Path csv = Files.writeString(dir.resolve("d.csv"), "text,label\n");
        assertEquals(List.of("data file needs a label column"),
                DataSpec.file(csv, "text", null, " ").problems());
        assertEquals(List.of("unknown GLUE task 'IMDB' (one of CoLA, SST-2, MRPC, STS-B, QQP, MNLI, QNLI, RTE, WNLI)"),
                DataSpec.glue(glue, "IMDB").problems());
    }

    @Test
    void impossibleHyperParametersAreNamedByTheirKey() {
        RunSpec s = spec().withHyperParameters(HyperParameters.builder().epochs(0).learningRate(-1)
                .warmupRatio(1.5).build());
        assertEquals(List.of("hyperParameters.epochs must be at least 1, got 0",
                "hyperParameters.learningRate must be a positive number, got -1.0",
                "hyperParameters.warmupRatio must lie in [0, 1], got 1.5"), s.problems());
    }

    @Test
    void anOutputFolderHoldingARunIsRefused() throws IOException {
        Path out = Files.createDirectories(dir.resolve("runs/r1"));
        Files.writeString(out.resolve("events.jsonl"), "");
        assertEquals(List.of("output folder " + out + " already holds a run (events.jsonl)"), spec().problems());
    }

    @Test
    void malformedSpecsGetOneLineNamingTheFileAndTheProblem() throws IOException {
        Path f = dir.resolve("spec.json");
        String p = f + ": ";
        Files.writeString(f, "{\"version\": 1, \"base\": \"m\"}");
        assertEquals(p + "the run spec has no 'data'", assertThrows(RunException.class, () -> RunSpec.read(f))
                .getMessage());
        Files.writeString(f, "{\"version\": 1, \"base\": \"m\", \"data\": {\"kind\": \"glue\", \"path\": \"g\", "
                + "\"task\": \"SST-2\"}, \"plan\": {\"version\": 1, \"default\": {\"action\": \"sparsify\", "
                + "\"sparsity\": 2}}, \"output\": \"o\"}");
        assertEquals(p + "plan: sparsity 2 for the default action is outside (0, 1)",
                assertThrows(RunException.class, () -> RunSpec.read(f)).getMessage());
        Files.writeString(f, "{\"version\": 1, \"base\": \"m\", \"data\": {\"kind\": \"glue\", \"path\": \"g\"}, "
                + "\"plan\": \"p.json\", \"hyperParameters\": {\"epoch\": 2}, \"output\": \"o\"}");
        assertEquals(p + "unknown key 'epoch' in hyperParameters (known: batchSize, epochs, evalEverySteps, "
                        + "gradientClip, learningRate, maxLength, maxSteps, scoreLearningRate, seed, warmupRatio, "
                        + "weightDecay)",
                assertThrows(RunException.class, () -> RunSpec.read(f)).getMessage());
        Files.writeString(f, "{\"version\": 1, \"base\": \"m\", \"data\": {\"kind\": \"glue\", \"path\": \"g\"}, "
                + "\"plan\": \"p.json\", \"hyperParameters\": {\"epochs\": \"two\"}, \"output\": \"o\"}");
        assertEquals(p + "hyperParameters.epochs must be a whole number, got \"two\"",
                assertThrows(RunException.class, () -> RunSpec.read(f)).getMessage());
        Files.writeString(f, "{\"version\": 1, \"base\": \"m\", \"data\": {\"kind\": \"glue\", \"path\": \"g\"}, "
                + "\"plan\": \"p.json\", \"device\": \"tpu\", \"output\": \"o\"}");
        assertEquals(p + "unknown device 'tpu' (one of: auto, cpu, gpu)",
                assertThrows(RunException.class, () -> RunSpec.read(f)).getMessage());
        Files.writeString(f, "{\"version\": 1,");
        assertTrue(assertThrows(RunException.class, () -> RunSpec.read(f)).getMessage()
                .startsWith(p + "not valid JSON: "));
        Path none = dir.resolve("none.json");
        assertEquals(none + ": no such run spec",
                assertThrows(RunException.class, () -> RunSpec.read(none)).getMessage());
    }

    @Test
    void aSpecWrittenIntoARunFolderHoldsAbsolutePathsOnly() throws IOException {
        Path rel = Path.of("relative/out");
        RunSpec s = spec().withOutput(dir.resolve("runs/a"));
        RunFolder folder = RunFolder.prepare(new RunSpec(s.name(), s.base(), s.data(), PlanSource.file(rel),
                s.hyperParameters(), s.device(), s.output()));
        RunSpec back = folder.spec();
        assertTrue(back.plan().file().isAbsolute());
        assertTrue(Files.readString(folder.specFile()).contains(rel.toAbsolutePath().toString()));
    }
}
