package dev.finescope.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.finescope.checkpoint.GridColumn;
import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.plan.Action;
import dev.finescope.plan.MatrixCell;
import dev.finescope.plan.Presets;
import dev.finescope.run.LaunchCheck.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One check of a run before it starts, each problem naming its field; the form, the app and the trainer ask it. */
class LaunchCheckTest {

    /** Two layers, 64 token positions. */
    private static final Path BASE = Path.of("src/test/resources/fixtures/tiny-bert/base").toAbsolutePath();
    private static final Path GLUE = Path.of("src/test/resources/fixtures/glue").toAbsolutePath();

    @TempDir
    Path dir;

    private RunSpec spec(HyperParameters h) {
        return new RunSpec("r", BASE, DataSpec.glue(GLUE, "SST-2"), PlanSource.of(Presets.fullFineTuning()), h,
                Device.CPU, dir.resolve("runs/r"));
    }

    @Test
    void aSpecThatCanStartHasNoProblems() {
        RunSpec s = spec(HyperParameters.DEFAULTS.toBuilder().maxLength(64).build());
        assertEquals(List.of(), LaunchCheck.of(s));
        try (ModelFolder base = ModelFolder.open(BASE)) {
            assertEquals(List.of(), LaunchCheck.of(s, base));
        }
        LaunchCheck.require(List.of());
    }

    @Test
    void everyProblemOfASpecNamesItsField() throws IOException {
        Path out = Files.createDirectories(dir.resolve("runs/taken"));
        Files.writeString(out.resolve(RunFolder.EVENTS_FILE), "");
        RunSpec s = new RunSpec("r", dir.resolve("no-model"), DataSpec.glue(dir.resolve("no-glue"), "IMDB"),
                PlanSource.file(dir.resolve("no-plan.json")), HyperParameters.DEFAULTS.toBuilder().epochs(0)
                        .batchSize(70_000).build(), Device.CPU, out);
        assertEquals(List.of(
                new Problem("base", "base model " + dir.resolve("no-model") + " does not exist"),
                new Problem("data.path", "GLUE data folder " + dir.resolve("no-glue") + " does not exist"),
                new Problem("data.task", "unknown GLUE task 'IMDB' (one of CoLA, SST-2, MRPC, STS-B, QQP, MNLI, "
                        + "QNLI, RTE, WNLI)"),
                new Problem("plan", "plan file " + dir.resolve("no-plan.json") + " does not exist"),
                new Problem("output", "output folder " + out + " already holds a run (events.jsonl)"),
                new Problem("hyperParameters.epochs", "hyperParameters.epochs must be at least 1, got 0"),
                new Problem("hyperParameters.batchSize",
                        "hyperParameters.batchSize must be at most 65536 examples per step, got 70000")),
                LaunchCheck.of(s));
    }

    @Test
    void anOutputThatIsAFileIsNamed() throws IOException {
        Path file = Files.writeString(dir.resolve("out.txt"), "x");
        RunSpec s = spec(HyperParameters.DEFAULTS).withOutput(file);
        assertEquals(List.of(new Problem("output", "output " + file + " is a file, not a folder")),
                LaunchCheck.of(s));
    }

    @Test
    void againstTheOpenBaseThePlanMustFitAndTheExamplesMustBeShortEnough() {
        RunSpec s = new RunSpec("r", BASE, DataSpec.glue(GLUE, "SST-2"), PlanSource.of(Presets.fullFineTuning()
                .with(MatrixCell.layer(5, GridColumn.V), Action.FREEZE)),
                HyperParameters.DEFAULTS.toBuilder().maxLength(100).build(), Device.CPU, dir.resolve("runs/r"));
        List<Problem> problems;
        try (ModelFolder base = ModelFolder.open(BASE)) {
            problems = LaunchCheck.of(s, base);
        }
        assertEquals(List.of(
                new Problem("plan", "the plan does not fit base: layer 5 does not exist (the model has 2 layers: "
                        + "0–1)"),
                new Problem("hyperParameters.maxLength", "the maximum length 100 is longer than base's 64 "
                        + "positions")), problems);
        RunException e = assertThrows(RunException.class, () -> LaunchCheck.require(problems));
        assertEquals("the run cannot start: the plan does not fit base: layer 5 does not exist (the model has 2 "
                + "layers: 0–1); the maximum length 100 is longer than base's 64 positions", e.getMessage());
    }

    @Test
    void aFileOfOnesOwnNeedsItsColumns() {
        Path csv = dir.resolve("none.csv");
        assertEquals(List.of(
                new Problem("data.path", "data file " + csv + " does not exist"),
                new Problem("data.textColumn", "data file needs a text column"),
                new Problem("data.labelColumn", "data file needs a label column")),
                LaunchCheck.data(DataSpec.file(csv, " ", null, null)));
        assertEquals(List.of(new Problem("data.textColumn",
                "GLUE data takes no column names: GLUE's files name their own")),
                LaunchCheck.data(new DataSpec(DataSpec.Kind.GLUE, GLUE, "SST-2", "text", null, null)));
    }

    @Test
    void aKnobsProblemBeginsWithItsNameAndReadsAsASentenceInAForm() {
        List<Problem> problems = LaunchCheck.hyperParameters(HyperParameters.builder().learningRate(-1)
                .warmupRatio(1.5).maxLength(1).build());
        assertEquals(List.of(
                new Problem("hyperParameters.learningRate", "learningRate must be a positive number, got -1.0"),
                new Problem("hyperParameters.maxLength",
                        "maxLength must be at least 2 (room for [CLS] and [SEP]), got 1"),
                new Problem("hyperParameters.warmupRatio", "warmupRatio must lie in [0, 1], got 1.5")), problems);
        assertEquals(List.of("LearningRate must be a positive number, got -1.0.",
                "MaxLength must be at least 2 (room for [CLS] and [SEP]), got 1.",
                "WarmupRatio must lie in [0, 1], got 1.5."), problems.stream().map(Problem::sentence).toList());
    }
}
