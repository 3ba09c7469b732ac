package dev.finescope.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.finescope.checkpoint.GridColumn;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanJsonTest {

    @TempDir
    Path dir;

    private static Plan sample() {
        return Plan.uniform("sample", Action.FREEZE)
                .with(MatrixCell.layer(3, GridColumn.V), Action.sparsify(0.1))
                .with(MatrixCell.parse("embeddings", "Word"), Action.FINE_TUNE)
                .withBiasRule(BiasRule.ALL_BIASES)
                .withMask(new MaskOptions(MaskOptions.Mode.TOP_K, 2.5));
    }

    private Path file(String json) throws IOException {
        Path f = dir.resolve("plan.json");
        Files.writeString(f, json);
        return f;
    }

    private String readError(String json) throws IOException {
        Path f = file(json);
        return assertThrows(PlanException.class, () -> PlanJson.read(f)).getMessage();
    }

    @Test
    void aPlanSurvivesWritingAndReadingUnchanged() {
        Path f = dir.resolve("sub/plan.json");
        PlanJson.write(sample(), f);
        assertEquals(sample(), PlanJson.read(f));
    }

    @Test
    void writingLeavesNoTemporaryFileBehind() throws IOException {
        PlanJson.write(sample(), dir.resolve("plan.json"));
        PlanJson.write(Presets.fullFineTuning(), dir.resolve("plan.json"));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(dir.resolve("plan.json")), s.toList());
        }
        assertEquals(Presets.fullFineTuning(), PlanJson.read(dir.resolve("plan.json")));
    }

    @Test
    void cellsAreWrittenWithTheirRowAndColumnNamesAndTheBiasRuleInWords() {
        String json = PlanJson.toJson(sample());
        assertTrue(json.contains("\"row\" : \"3\""), json);
        assertTrue(json.contains("\"column\" : \"V\""), json);
        assertTrue(json.contains("\"sparsity\" : 0.1"), json);
        assertTrue(json.contains("\"biasRule\" : \"all_biases\""), json);
        assertTrue(json.contains("\"biasRuleMeans\" : \"Every bias trains, LayerNorm biases included; LayerNorm "
                + "gains stay frozen (BitFit). The task head always trains.\""), json);
        assertTrue(json.contains("\"version\" : 1"), json);
    }

    @Test
    void aHandWrittenPlanNeedsOnlyAVersionAndADefault() throws IOException {
        Plan p = PlanJson.read(file("""
                {"version": 1, "default": {"action": "fine-tune"},
                 "cells": [{"row": "embeddings", "column": "word", "action": "freeze"}]}
                """));
        assertEquals(Plan.uniform("", Action.FINE_TUNE).with(MatrixCell.parse("embeddings", "Word"), Action.FREEZE),
                p);
        assertEquals(BiasRule.FOLLOW_MATRIX, p.biasRule());
        assertEquals(MaskOptions.DEFAULT, p.mask());
    }

    @Test
    void aSparsityOutsideTheOpenIntervalNamesTheCell() throws IOException {
        String e = readError("""
                {"version": 1, "default": {"action": "freeze"},
                 "cells": [{"row": "3", "column": "V", "action": "sparsify", "sparsity": 1.2}]}
                """);
        assertEquals(dir.resolve("plan.json") + ": sparsity 1.2 for layer 3 V is outside (0, 1)", e);
    }

    @Test
    void aColumnThatIsNoWeightMatrixIsRefused() throws IOException {
        String e = readError("""
                {"version": 1, "default": {"action": "freeze"},
                 "cells": [{"row": "3", "column": "X", "action": "freeze"}]}
                """);
        assertEquals(dir.resolve("plan.json") + ": column X is not a weight matrix of layer 3 (its matrices: "
                + "Q, K, V, AttnOut, FFN-in, FFN-out)", e);
    }

    @Test
    void malformedPlansGetOneLineNamingTheProblem() throws IOException {
        String p = dir.resolve("plan.json") + ": ";
        assertEquals(p + "the plan has no 'version'", readError("{\"default\": {\"action\": \"freeze\"}}"));
        assertEquals(p + "plan version 2 is newer than this FineScope reads (1)",
                readError("{\"version\": 2, \"default\": {\"action\": \"freeze\"}}"));
        assertEquals(p + "the plan has no 'default' action", readError("{\"version\": 1}"));
        assertEquals(p + "sparsify needs a 'sparsity' in (0, 1) for the default action",
                readError("{\"version\": 1, \"default\": {\"action\": \"sparsify\"}}"));
        assertEquals(p + "freeze takes no sparsity (the default action)",
                readError("{\"version\": 1, \"default\": {\"action\": \"freeze\", \"sparsity\": 0.1}}"));
        assertEquals(p + "unknown key 'cell' in the plan (known: biasRule, biasRuleMeans, cells, default, format, "
                        + "mask, name, version)",
                readError("{\"version\": 1, \"default\": {\"action\": \"freeze\"}, \"cell\": []}"));
        assertEquals(p + "unknown bias rule 'some' (one of: follow_matrix, all_train, all_biases, all_frozen)",
                readError("{\"version\": 1, \"default\": {\"action\": \"freeze\"}, \"biasRule\": \"some\"}"));
        assertEquals(p + "score init -1.0 must be a positive number",
                readError("{\"version\": 1, \"default\": {\"action\": \"freeze\"}, \"mask\": {\"scoreInit\": -1}}"));
        assertEquals(p + "layer 3 V is named twice", readError("""
                {"version": 1, "default": {"action": "freeze"}, "cells": [
                  {"row": "3", "column": "V", "action": "freeze"}, {"row": "3", "column": "v", "action": "freeze"}]}
                """));
        assertEquals(p + "unknown action 'prune' (one of: freeze, fine_tune, sparsify) for layer 0 Q",
                readError("{\"version\": 1, \"default\": {\"action\": \"freeze\"}, "
                        + "\"cells\": [{\"row\": \"0\", \"column\": \"Q\", \"action\": \"prune\"}]}"));
        assertTrue(readError("{\"version\": 1,").startsWith(p + "not valid JSON: "));
        assertEquals(p + "the plan is empty", readError(""));
        assertEquals(p + "a plan must be a JSON object", readError("[1, 2]"));
    }

    @Test
    void aMissingFileIsNamed() {
        Path f = dir.resolve("nope.json");
        assertEquals(f + ": no such plan file",
                assertThrows(PlanException.class, () -> PlanJson.read(f)).getMessage());
    }
}
