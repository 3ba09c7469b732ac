package dev.finescope.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.finescope.analysis.Analyzer;
import dev.finescope.analysis.ModelComparison;
import dev.finescope.checkpoint.GridColumn;
import dev.finescope.checkpoint.GridRow;
import dev.finescope.ui.common.TunedModel;
import dev.finescope.ui.common.UiExecutor;
import dev.finescope.ui.common.Workspace;
import dev.finescope.ui.testing.RecordingDialogs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspaceViewModelTest {

    @TempDir
    Path dir;

    private final UiFixtures.ScratchPreferences prefs = new UiFixtures.ScratchPreferences();
    private final RecordingDialogs dialogs = new RecordingDialogs();
    private final Workspace workspace = new Workspace();
    private final WorkspaceViewModel vm = new WorkspaceViewModel(workspace, UiExecutor.sameThread(), dialogs,
            prefs.preferences, ModelOpener.STANDARD, new Analyzer(2));

    @AfterEach
    void closeEverything() {
        UiExecutor.FxPlatform.ensureStarted();
        vm.closeWorkspace();
        prefs.close();
    }

    @Test
    void openingTheTinyWorkspaceAnalysesEveryFineTunedModelAsTheCommandLineDoes() {
        vm.openWorkspace(UiFixtures.tinyWorkspace());

        assertEquals(List.of(), dialogs.shown);
        assertEquals("base", workspace.getBase().label());
        assertEquals(List.of("fine-tuned", "fine-tuned, BF16 export", "fine-tuned, F16 export"),
                workspace.getTunedModels().stream().map(TunedModel::label).toList());
        TunedModel first = workspace.getTunedModels().get(0);
        assertSame(first, workspace.getSelectedTuned());
        ModelComparison expected = UiFixtures.analyse(UiFixtures.tinyBase(), UiFixtures.tinyTuned(), "fine-tuned");
        assertEquals(expected, workspace.getComparisons().get(first));
        assertEquals(3, workspace.getTunedFolders().size());
        assertEquals(UiFixtures.tinyWorkspace().toAbsolutePath().normalize(), workspace.folderProperty().get());
        assertTrue(workspace.dataProperty().get().endsWith(Path.of("sample-models", "data", "uci-sentiment")));
        assertEquals("FineScope — workspace tiny-workspace: base + 3 fine-tuned", vm.titleProperty().get());
    }

    @Test
    void theFirstFineTunedModelJoinsAloneAndTheRestFollowInOneStepWithoutTakingTheSelection() {
        List<List<String>> seen = new java.util.ArrayList<>();
        workspace.getTunedModels().addListener((javafx.collections.ListChangeListener<TunedModel>) c -> seen.add(
                c.getList().stream().map(TunedModel::label).toList()));
        List<String> selected = new java.util.ArrayList<>();
        workspace.selectedTunedProperty().addListener((obs, was, now) -> selected.add(now == null ? null : now.label()));

        vm.openWorkspace(UiFixtures.tinyWorkspace());

        assertEquals(List.of(List.of("fine-tuned"),
                List.of("fine-tuned", "fine-tuned, BF16 export", "fine-tuned, F16 export")), seen);
        assertEquals(List.of("fine-tuned"), selected);
    }

    @Test
    void anOpenedWorkspaceBecomesTheLastAndMostRecent() {
        vm.openWorkspace(UiFixtures.tinyWorkspace());
        Path folder = UiFixtures.tinyWorkspace().toAbsolutePath().normalize();
        assertEquals(List.of(folder), vm.recentWorkspaces());
        assertEquals(folder, prefs.preferences.lastWorkspace().orElseThrow());
    }

    @Test
    void theFirstDroppedModelIsTheBaseAndTheRestAreFineTuned() {
        vm.open(List.of(UiFixtures.tinyBase(), UiFixtures.tinyTuned()));

        assertEquals("base", workspace.getBase().label());
        assertEquals(List.of("tuned"), workspace.getTunedModels().stream().map(TunedModel::label).toList());
        assertNull(workspace.folderProperty().get(), "a workspace built from models has no folder yet");

        vm.open(List.of(UiFixtures.tinyTuned()));
        assertEquals(List.of("tuned", "tuned (2)"), workspace.getTunedModels().stream().map(TunedModel::label)
                .toList(), "a second drop adds to the same base, under a label of its own");
    }

    @Test
    void aTruncatedFineTunedModelIsReportedByFileWhileTheRestOpens() throws Exception {
        Path bad = UiFixtures.truncatedSafetensors(dir);
        vm.open(List.of(UiFixtures.tinyBase(), bad, UiFixtures.tinyTuned()));

        assertEquals(1, dialogs.errors.size(), dialogs.shown.toString());
        String message = dialogs.errors.get(0).text();
        assertTrue(message.contains(bad.toString()), message);
        assertEquals(List.of("tuned"), workspace.getTunedModels().stream().map(TunedModel::label).toList());
    }

    @Test
    void aModelThatFailsAfterTheFirstIsReportedOnceAndTheOthersStay() throws Exception {
        Path bad = UiFixtures.truncatedSafetensors(dir);
        vm.open(List.of(UiFixtures.tinyBase(), UiFixtures.tinyTuned(), bad, UiFixtures.tinyTuned()));

        assertEquals(1, dialogs.errors.size(), dialogs.shown.toString());
        assertTrue(dialogs.errors.get(0).text().startsWith("truncated.safetensors: " + bad + ": tensor "),
                dialogs.errors.get(0).text());
        assertEquals(List.of("tuned", "tuned (2)"), workspace.getTunedModels().stream().map(TunedModel::label).toList());
        assertEquals("tuned", workspace.getSelectedTuned().label());
    }

    @Test
    void aTruncatedBaseLeavesTheOpenWorkspaceAsItWas() throws Exception {
        vm.openWorkspace(UiFixtures.tinyWorkspace());
        Path bad = UiFixtures.truncatedSafetensors(dir);
        vm.openBase(bad);

        assertEquals(1, dialogs.errors.size());
        assertTrue(dialogs.errors.get(0).text().startsWith(bad.toString()), dialogs.errors.get(0).text());
        assertEquals("base", workspace.getBase().label());
        assertEquals(3, workspace.getTunedModels().size());
    }

    @Test
    void aSavedWorkspaceOpensAgainAsItWas() throws Exception {
        vm.open(List.of(UiFixtures.tinyBase(), UiFixtures.tinyTuned()));
        Path folder = dir.resolve("my workspace");
        vm.saveWorkspace(folder);
        assertTrue(Files.isRegularFile(folder.resolve(WorkspaceFile.FILE_NAME)));
        assertEquals(folder.toAbsolutePath(), prefs.preferences.lastWorkspace().orElseThrow());

        vm.closeWorkspace();
        assertNull(workspace.getBase());
        vm.openWorkspace(folder);
        assertEquals("base", workspace.getBase().label());
        assertEquals(List.of("tuned"), workspace.getTunedModels().stream().map(TunedModel::label).toList());
        // its runs live in the user's data folder, one folder per workspace, not beside workspace.json
        assertEquals(dev.finescope.checkpoint.UserDirectories.workspaceOutputs(folder, "runs"),
                workspace.getRunsFolder());
        assertTrue(workspace.getRunsFolder().startsWith(dev.finescope.checkpoint.UserDirectories.data()),
                workspace.getRunsFolder().toString());
    }

    @Test
    void theSampleWorkspacesRunsAndSweepsNeverGoIntoItsFolder() {
        Path sample = Path.of("sample-models").toAbsolutePath();
        vm.openWorkspace(UiFixtures.tinyWorkspace());
        Path ws = workspace.folderProperty().get();
        assertTrue(!workspace.getRunsFolder().startsWith(ws), workspace.getRunsFolder() + " in " + ws);
        assertTrue(!workspace.getRunsFolder().startsWith(sample), workspace.getRunsFolder().toString());
        assertEquals(dev.finescope.checkpoint.UserDirectories.data().resolve("workspaces"),
                workspace.getRunsFolder().getParent().getParent());
    }

    @Test
    void closingTheWorkspaceClearsTheSelection() {
        vm.openWorkspace(UiFixtures.tinyWorkspace());
        workspace.selectCell(GridRow.layer(1), GridColumn.V);
        vm.closeWorkspace();
        assertNull(workspace.selectedRowProperty().get());
        assertNull(workspace.getSelectedTuned());
        assertEquals("FineScope", vm.titleProperty().get());
    }

    @Test
    void aFolderWithoutAWorkspaceFileIsNotOpenedAsOne() {
        dialogs.chosen.add(dir);
        vm.chooseWorkspace();
        assertEquals(1, dialogs.errors.size());
        assertTrue(dialogs.errors.get(0).text().contains(WorkspaceFile.FILE_NAME));
    }

    @Test
    void aBrokenOverlayIsReportedNamingItAndTheBaseStillOpens() throws Exception {
        Path overlay = dir.resolve("task.safetensors");
        Files.write(overlay, new byte[] {0});
        Files.writeString(dir.resolve(WorkspaceFile.FILE_NAME), """
                {"base": "%s", "tuned": [{"label": "task", "path": "task.safetensors", "kind": "overlay"}]}
                """.formatted(UiFixtures.tinyBase().toString().replace("\\", "\\\\")));
        vm.openWorkspace(dir);
        assertEquals("base", workspace.getBase().label());
        assertEquals(List.of(), workspace.getTunedModels());
        String message = dialogs.errors.get(0).text();
        assertTrue(message.contains(overlay.toString()) && message.contains("too short"), message);
    }
}
