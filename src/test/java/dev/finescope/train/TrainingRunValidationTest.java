package dev.finescope.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.engine.Engine;
import dev.finescope.checkpoint.GridColumn;
import dev.finescope.plan.Action;
import dev.finescope.plan.MatrixCell;
import dev.finescope.plan.Plan;
import dev.finescope.plan.Presets;
import dev.finescope.run.DataSpec;
import dev.finescope.run.Device;
import dev.finescope.run.PlanSource;
import dev.finescope.run.RunException;
import dev.finescope.run.RunSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whatever would stop a run is found before anything is trained or written, and said in one line. */
class TrainingRunValidationTest {

    @TempDir
    Path dir;

    private Path out() {
        return dir.resolve("run");
    }

    private String failure(RunSpec spec) {
        RunException e = assertThrows(RunException.class, () -> TrainingRun.prepare(spec).close());
        assertFalse(Files.exists(out()), "a run that cannot start must not create its folder");
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    private RunSpec spec(Plan plan) {
        return TinyRuns.spec(plan, TinyRuns.FEW_STEPS, out());
    }

    @Test
    void aMissingBaseIsNamed() {
        Path missing = dir.resolve("no-model");
        RunSpec spec = new RunSpec("", missing, DataSpec.glue(TinyRuns.TASK, "SST-2"),
                PlanSource.of(Presets.fullFineTuning()), TinyRuns.FEW_STEPS, Device.CPU, out());
        assertEquals("the run cannot start: base model " + missing + " does not exist", failure(spec));
    }

    @Test
    void aLayerTheModelLacksStopsThePlan() {
        Plan plan = Plan.uniform("layer 13", Action.FREEZE).with(MatrixCell.layer(13, GridColumn.Q), Action.FINE_TUNE);
        assertEquals("plan 'layer 13' does not fit the model: layer 13 does not exist (the model has 2 layers: 0–1)",
                failure(spec(plan)));
    }

    @Test
    void embeddingsCannotBeSparsified() {
        Plan plan = Plan.uniform("sparse words", Action.FREEZE)
                .with(new MatrixCell(dev.finescope.checkpoint.GridRow.EMBEDDINGS, GridColumn.WORD),
                        Action.sparsify(0.1));
        assertEquals("plan 'sparse words' cannot be trained: bert.embeddings.word_embeddings.weight is an "
                + "embedding table, which can be frozen or fine-tuned but not sparsified", failure(spec(plan)));
    }

    @Test
    void anUnknownTaskIsNamedWithTheKnownOnes() {
        RunSpec spec = new RunSpec("", TinyRuns.BASE, DataSpec.glue(TinyRuns.TASK, "SST-3"),
                PlanSource.of(Presets.fullFineTuning()), TinyRuns.FEW_STEPS, Device.CPU, out());
        assertEquals("the run cannot start: unknown GLUE task 'SST-3' (one of CoLA, SST-2, MRPC, STS-B, QQP, MNLI, "
                + "QNLI, RTE, WNLI)", failure(spec));
    }

    @Test
    void dataWithoutExamplesIsRefused() throws IOException {
        Path task = Files.createDirectories(dir.resolve("empty"));
        Files.writeString(task.resolve("train.tsv"), "sentence\tlabel\n");
        Files.writeString(task.resolve("dev.tsv"), "sentence\tlabel\nthe cat\t1\n");
        RunSpec spec = new RunSpec("", TinyRuns.BASE, DataSpec.glue(task, "SST-2"),
                PlanSource.of(Presets.fullFineTuning()), TinyRuns.FEW_STEPS, Device.CPU, out());
        String m = failure(spec);
        assertTrue(m.startsWith(task.resolve("train.tsv").toString() + ": "), m);
    }

    @Test
    void aMissingDevFileIsNamed() throws IOException {
        Path task = Files.createDirectories(dir.resolve("no-dev"));
        Files.copy(TinyRuns.TASK.resolve("train.tsv"), task.resolve("train.tsv"));
        RunSpec spec = new RunSpec("", TinyRuns.BASE, DataSpec.glue(task, "SST-2"),
                PlanSource.of(Presets.fullFineTuning()), TinyRuns.FEW_STEPS, Device.CPU, out());
        assertEquals(task.resolve("dev.tsv") + ": no such file: GLUE SST-2 needs train.tsv, dev.tsv", failure(spec));
    }

    @Test
    void sequencesLongerThanTheModelsPositionsAreRefused() {
        RunSpec spec = TinyRuns.spec(Presets.fullFineTuning(), TinyRuns.FEW_STEPS.toBuilder().maxLength(128).build(),
                out());
        assertEquals("maxLength 128 is longer than the model's 64 positions", failure(spec));
    }

    @Test
    void theRunFolderMayNotLieInsideTheModel() throws IOException {
        Path model = dir.resolve("model");
        Files.createDirectories(model);
        for (String f : new String[] {"config.json", "model.safetensors", "vocab.txt"}) {
            Files.copy(TinyRuns.BASE.resolve(f), model.resolve(f));
        }
        Path inside = model.resolve("runs/one");
        RunSpec spec = new RunSpec("", model, DataSpec.glue(TinyRuns.TASK, "SST-2"),
                PlanSource.of(Presets.fullFineTuning()), TinyRuns.FEW_STEPS, Device.CPU, inside);
        RunException e = assertThrows(RunException.class, () -> TrainingRun.prepare(spec).close());
        assertTrue(e.getMessage().startsWith(inside + ": is inside the model folder "), e.getMessage());
        assertFalse(Files.exists(inside));
    }

    @Test
    void aGpuAskedForWhereThereIsNoneIsRefused() {
        assumeTrue(Engine.getInstance().getGpuCount() == 0, "this machine has a GPU");
        RunSpec spec = new RunSpec("", TinyRuns.BASE, DataSpec.glue(TinyRuns.TASK, "SST-2"),
                PlanSource.of(Presets.fullFineTuning()), TinyRuns.FEW_STEPS, Device.GPU, out());
        assertTrue(failure(spec).startsWith("device gpu was asked for, but DJL sees no GPU (PyTorch "));
    }
}
