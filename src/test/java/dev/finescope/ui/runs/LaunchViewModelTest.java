package dev.finescope.ui.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.finescope.run.DataSpec;
import dev.finescope.run.HyperParameters;
import dev.finescope.ui.testing.RecordingDialogs;
import dev.finescope.ui.testing.TinyBert;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LaunchViewModelTest {

    @TempDir
    Path dir;

    private final RecordingDialogs dialogs = new RecordingDialogs();
    private final LaunchViewModel form = new LaunchViewModel(dialogs, "freeze embeddings");

    @Test
    void anEmptyFormAsksForTheGlueFolderAndNamesItselfAfterTaskAndPlan() {
        assertEquals(List.of("Choose the GLUE data folder."), form.problems());
        assertTrue(form.runName().matches("SST-2 · freeze embeddings · seed 42 · \\d\\d:\\d\\d"), form.runName());
        form.nameProperty().set("  my run ");
        assertEquals("my run", form.runName());
    }

    @Test
    void aChosenGlueFolderAndTaskMakeTheDataSpec() {
        dialogs.chosen.add(TinyBert.GLUE);
        form.chooseGlueFolder();
        form.glueTaskProperty().set("MRPC");
        assertEquals(List.of(), form.problems());
        assertEquals(DataSpec.glue(TinyBert.GLUE, "MRPC"), form.dataSpec());
        assertEquals("", form.problemTextBinding().get());
    }

    @Test
    void aFileOfOnesOwnNeedsItsTextAndLabelColumnsAndTheSecondTextIsOptional() throws Exception {
        Path file = Files.writeString(dir.resolve("reviews.csv"), "review,stars\ngood,1\n");
        form.dataKindProperty().set(DataSpec.Kind.FILE);
        assertEquals(List.of("Choose a CSV, TSV or JSONL file."), form.problems());
        dialogs.chosen.add(file);
        form.chooseDataFile();
        form.textColumnProperty().set("review");
        form.textPairColumnProperty().set("  ");
        form.labelColumnProperty().set("");
        assertEquals(List.of("Data file needs a label column."), form.problems());
        form.labelColumnProperty().set("stars");
        assertEquals(DataSpec.file(file, "review", null, "stars"), form.dataSpec());
        assertTrue(form.runName().matches("reviews\\.csv · freeze embeddings · seed 42 · \\d\\d:\\d\\d"),
                form.runName());
    }

    @Test
    void impossibleHyperParametersAreSaidByName() {
        dialogs.chosen.add(TinyBert.GLUE);
        form.chooseGlueFolder();
        form.hyperParametersProperty().set(HyperParameters.builder().epochs(0).warmupRatio(2).build());
        assertEquals("Epochs must be at least 1, got 0.\nWarmupRatio must lie in [0, 1], got 2.0.",
                form.problemTextBinding().get());
    }
}
