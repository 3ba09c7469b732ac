package dev.finescope.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.finescope.plan.PlanJson;
import dev.finescope.plan.Presets;
import dev.finescope.run.DataSpec;
import dev.finescope.run.Device;
import dev.finescope.train.TinyRuns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reading sweep files: what a good one says, and the one line that names the field of a bad one. */
class SweepFileTest {

    @TempDir
    Path dir;

    /** A sweep of the tiny model with {@code more} JSON members added (each ending with a comma). */
    static String sweep(String more) {
        return "{\"format\": \"finescope.sweep/1\", \"base\": \"" + TinyRuns.BASE + "\", "
                + "\"tasks\": [{\"kind\": \"glue\", \"path\": \"" + TinyRuns.TASK + "\", \"task\": \"sst2\"}], "
                + more + "}";
    }

    private Path write(String json) throws IOException {
        Path f = dir.resolve("sweep.json");
        Files.writeString(f, json);
        return f;
    }

    private String problem(String json) throws IOException {
        Path f = write(json);
        SweepException e = assertThrows(SweepException.class, () -> SweepFile.read(f));
        assertEquals(f + ": " + e.problem(), e.getMessage(), "the message names the file");
        return e.problem();
    }

    @Test
    void aSweepFileReadsWithItsDefaultsAndPathsMadeAbsolute() throws IOException {
        Files.createDirectories(dir.resolve("plans"));
        PlanJson.write(Presets.sparsifyEncoder(TinyLayout.layout(), 0.2).withName("encoder masks"),
                dir.resolve("plans/masks.json"));
        SweepFile s = SweepFile.read(write(sweep("\"name\": \"t\", \"plans\": [\"full\", \"plans/masks.json\", "
                + "\"sparsify-encoder:0.25\"], \"sparsities\": [0.1, 0.5], "
                + "\"hyperParameters\": {\"epochs\": 1, \"learningRate\": [1e-3, 1e-4]}")));
        assertEquals("t", s.name());
        assertEquals(List.of(DataSpec.glue(TinyRuns.TASK, "SST-2")), s.tasks());
        assertEquals(List.of("full", "masks", "sparsify-encoder:0.25"), s.plans().stream().map(SweepPlan::label)
                .toList());
        assertEquals(List.of(false, true, false), s.plans().stream().map(SweepPlan::takesSparsity).toList());
        assertEquals(dir.resolve("plans/masks.json"), s.plans().get(1).file());
        assertEquals(List.of(42L), s.seeds(), "the default seed");
        assertEquals(Device.AUTO, s.device());
        assertEquals(List.of("learningRate"), List.copyOf(s.hyperParameterAxes().keySet()));
        // (full + masks at 2 sparsities + fixed sparsify) × 2 learning rates × 1 seed
        assertEquals(8, s.runCount());
        assertEquals(s, SweepFile.fromJson(s.toJson(), null, null), "sweep.json reads back as the same sweep");
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
        "\"plans\": [\"full\", \"sparsify\"]"
            + "|plans[1]: unknown plan 'sparsify' (presets: full, head-only, biases-only, freeze-embeddings, "
            + "sparsify-encoder, sparsify-encoder:S; or a plan file (.json))",
        "\"plans\": [\"nowhere/plan.json\"]|plans[0]: no such plan file: NOWHERE",
        "\"plans\": [\"sparsify-encoder\"], \"sparsities\": [0.1, 1]|sparsities[1]: 1 is outside [0, 1)",
        "\"plans\": [\"sparsify-encoder\"], \"sparsities\": [-0.5]|sparsities[0]: -0.5 is outside [0, 1)",
        "\"plans\": [\"sparsify-encoder:1.5\"]"
            + "|plans[0]: 'sparsify-encoder:1.5': the sparsity 1.5 is outside [0, 1)",
        "\"plans\": []|plans: an empty list, so the grid is empty",
        "\"plans\": [\"full\"], \"seeds\": []|seeds: an empty list, so the grid is empty",
        "\"plans\": [\"full\"], \"hyperParameters\": {\"epochs\": []}"
            + "|hyperParameters.epochs: an empty list, so the grid is empty",
        "\"plans\": [\"sparsify-encoder\"], \"sparsities\": []|sparsities: an empty list, so the grid is empty",
        "\"plans\": [\"full\"], \"seed\": 3"
            + "|unknown key 'seed' (known: base, device, format, hyperParameters, metric, name, plans, "
            + "seeds, sparsities, tasks)",
        "\"plans\": [\"full\"], \"hyperParameters\": {\"lr\": 1}"
            + "|unknown key 'hyperParameters.lr' (known: batchSize, epochs, evalEverySteps, gradientClip, "
            + "learningRate, maxLength, maxSteps, scoreLearningRate, warmupRatio, weightDecay)",
        "\"plans\": [\"full\"], \"hyperParameters\": {\"seed\": 3}|hyperParameters.seed: give seeds in 'seeds'",
        "\"plans\": [\"full\"], \"hyperParameters\": {\"epochs\": [1, 0]}"
            + "|hyperParameters.epochs[1]: epochs must be at least 1, got 0",
        "\"plans\": [\"full\", \"full\"]|plans[1]: 'full' is listed twice",
        "\"plans\": [\"sparsify-encoder\"]|sparsities: missing; plan 'sparsify-encoder' takes a sparsity",
        "\"plans\": [\"full\"], \"sparsities\": [0.1]"
            + "|sparsities: no plan takes a sparsity (only sparsify-encoder and plan files that sparsify do)",
        "\"seeds\": [1]|plans: missing",
    })
    void aBadSweepFileIsOneLineNamingTheField(String members, String expected) throws IOException {
        assertEquals(expected.replace("NOWHERE", dir.resolve("nowhere/plan.json").toString()),
                problem(sweep(members)));
    }

    @Test
    void aWrongFormatAndAMissingBaseAreNamed() throws IOException {
        assertEquals("format: 'finescope.sweep/2' is not 'finescope.sweep/1'",
                problem("{\"format\": \"finescope.sweep/2\"}"));
        assertEquals("format: missing; a sweep file begins with \"format\": \"finescope.sweep/1\"",
                problem("{\"base\": \"x\"}"));
        assertEquals("base: base model " + dir.resolve("no-model") + " does not exist",
                problem("{\"format\": \"finescope.sweep/1\", \"base\": \"no-model\"}"));
        assertEquals("tasks[0]: unknown GLUE task 'SST-3' (one of CoLA, SST-2, MRPC, STS-B, QQP, MNLI, QNLI, RTE, "
                + "WNLI)", problem(sweep("\"plans\": [\"full\"]").replace("sst2", "SST-3")));
    }
}
