package dev.finescope.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.finescope.plan.Action;
import dev.finescope.plan.MatrixCell;
import dev.finescope.plan.Plan;
import dev.finescope.plan.PlanJson;
import dev.finescope.plan.Presets;
import dev.finescope.run.DataSpec;
import dev.finescope.run.Device;
import dev.finescope.run.HyperParameters;
import dev.finescope.run.PlanSource;
import dev.finescope.run.RunSpec;
import dev.finescope.train.TinyRuns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sweep file's grid: its order, its coordinates, the specs it trains and their ids. */
class SweepGridTest {

    @TempDir
    Path dir;

    private SweepFile read(String members) throws IOException {
        Path f = dir.resolve("sweep.json");
        Files.writeString(f, SweepFileTest.sweep(members));
        return SweepFile.read(f);
    }

    @Test
    void theGridRunsTaskPlanSparsityHyperParametersThenSeed() throws IOException {
        SweepFile s = read("\"name\": \"grid\", \"plans\": [\"head-only\", \"sparsify-encoder\"], "
                + "\"sparsities\": [0, 0.5], \"seeds\": [1, 2], "
                + "\"hyperParameters\": {\"maxSteps\": 2, \"learningRate\": [0.001, 0.01]}");
        List<SweepGrid.Point> grid = SweepGrid.expand(s, dir.resolve("runs"));
        assertEquals(s.runCount(), grid.size());
        assertEquals(List.of(
                "head-only - lr=0.001 seed 1", "head-only - lr=0.001 seed 2",
                "head-only - lr=0.01 seed 1", "head-only - lr=0.01 seed 2",
                "sparsify-encoder 0% lr=0.001 seed 1", "sparsify-encoder 0% lr=0.001 seed 2",
                "sparsify-encoder 0% lr=0.01 seed 1", "sparsify-encoder 0% lr=0.01 seed 2",
                "sparsify-encoder 50% lr=0.001 seed 1", "sparsify-encoder 50% lr=0.001 seed 2",
                "sparsify-encoder 50% lr=0.01 seed 1", "sparsify-encoder 50% lr=0.01 seed 2"),
                grid.stream().map(p -> p.run().plan() + " " + p.run().sparsityText() + " lr="
                        + p.run().hyperParameters().get("learningRate") + " seed " + p.run().seed()).toList());
        SweepGrid.Point last = grid.get(11);
        RunSpec spec = last.spec();
        assertEquals("SST-2", last.run().task());
        assertEquals(TinyRuns.BASE, spec.base());
        assertEquals(DataSpec.glue(TinyRuns.TASK, "SST-2"), spec.data());
        assertEquals(HyperParameters.DEFAULTS.toBuilder().maxSteps(2).learningRate(0.01).seed(2).build(),
                spec.hyperParameters());
        assertEquals(Device.AUTO, spec.device());
        assertEquals(dir.resolve("runs").resolve(last.run().id()), spec.output());
        assertEquals("grid: sparsify-encoder @ 50%, learningRate=0.01, seed 2", spec.name());
        Plan plan = spec.plan().inline();
        assertEquals("sparsify encoder at 50%", plan.name());
        assertEquals(Presets.sparsifyEncoder(TinyLayout.layout(), 0.5).withName(plan.name()), plan);
        Plan atZero = grid.get(4).spec().plan().inline();
        assertEquals("sparsify encoder at 0%", atZero.name());
        assertEquals(Presets.sparsifyEncoder(TinyLayout.layout(), 0.5).cells().keySet(), atZero.cells().keySet());
        assertEquals(List.of(Action.FREEZE), atZero.cells().values().stream().distinct().toList(),
                "at 0 the masked matrices stay frozen");
        assertEquals(Action.FREEZE, atZero.defaultAction());
        assertEquals(12, grid.stream().map(p -> p.run().id()).distinct().count(), "every run its own id");
        for (SweepGrid.Point p : grid) {
            assertEquals(SweepGrid.idOf(p.spec()), p.run().id());
        }
    }

    @Test
    void idsHashTheSpecWithoutNameAndOutput() {
        RunSpec s = new RunSpec("anything", Path.of("/models/minilm"), DataSpec.glue(Path.of("/data/glue"), "SST-2"),
                PlanSource.of(Presets.headOnly()), HyperParameters.builder().epochs(1).seed(7).build(), Device.CPU,
                Path.of("/somewhere/else"));
        // sha256 of the canonical JSON below, by Python's hashlib: the first 12 hex digits
        assertEquals("34a050cff612", SweepGrid.idOf(s));
        assertEquals("34a050cff612", SweepGrid.idOf(s.withOutput(Path.of("/another"))));
        assertNotEquals("34a050cff612", SweepGrid.idOf(s.withHyperParameters(s.hyperParameters().toBuilder()
                .seed(8).build())));
    }

    @Test
    void theSameFileGivesTheSameIdsWhereverItsSweepFolderLies() throws IOException {
        SweepFile s = read("\"plans\": [\"full\", \"biases-only\"], \"seeds\": [3, 4]");
        List<String> a = SweepGrid.expand(s, dir.resolve("a/runs")).stream().map(p -> p.run().id()).toList();
        List<String> b = SweepGrid.expand(SweepFile.fromJson(s.toJson(), null, null), dir.resolve("b/runs")).stream()
                .map(p -> p.run().id()).toList();
        assertEquals(a, b);
        SweepFile grown = read("\"plans\": [\"full\", \"biases-only\"], \"seeds\": [3, 4, 5]");
        List<String> c = SweepGrid.expand(grown, dir.resolve("a/runs")).stream().map(p -> p.run().id()).toList();
        assertEquals(a, List.of(c.get(0), c.get(1), c.get(3), c.get(4)), "a new seed leaves the old runs' ids be");
    }

    @Test
    void aPlanFileThatSparsifiesTakesEachSparsityInEveryMaskedCell() throws IOException {
        MatrixCell anyEncoderCell = TinyLayout.layout().matrixCells().stream().filter(MatrixCell::isEncoder)
                .findFirst().orElseThrow();
        Plan mine = Plan.uniform("mine", Action.FINE_TUNE).with(anyEncoderCell, Action.sparsify(0.9));
        PlanJson.write(mine, dir.resolve("mine.json"));
        SweepFile s = read("\"plans\": [\"mine.json\"], \"sparsities\": [0.25]");
        List<SweepGrid.Point> grid = SweepGrid.expand(s, dir.resolve("runs"));
        assertEquals(1, grid.size());
        Plan p = grid.get(0).spec().plan().inline();
        assertEquals(mine.with(anyEncoderCell, Action.sparsify(0.25)).withName("mine at 25%"), p);
        Map<String, Long> coordinates = grid.stream().collect(Collectors.groupingBy(g -> g.run().plan(),
                Collectors.counting()));
        assertEquals(Map.of("mine", 1L), coordinates);
    }
}
