package dev.finescope.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.finescope.checkpoint.CheckpointException;
import dev.finescope.common.Progress;
import dev.finescope.ui.common.UiExecutor;
import dev.finescope.ui.testing.RecordingDialogs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first start's import of the built-in base, with the same-thread executor: the dialog's state follows the
 * import, its progress arrives, the workspace opens only after it, and later starts (or other bases) skip it.
 */
class BaseImportViewModelTest {

    @TempDir
    Path dir;

    private final RecordingDialogs dialogs = new RecordingDialogs();
    private final List<String> happened = new ArrayList<>();
    private final List<Double> progress = new ArrayList<>();

    /** An importer that reports three steps, or fails, and records what it was asked. */
    private final class FakeImporter implements BaseImportViewModel.Importer {
        boolean imported;
        boolean fail;

        @Override
        public boolean needed(String name) {
            return "all-MiniLM-L6-v2".equals(name) && !imported;
        }

        @Override
        public void importBase(String name, Progress progress) {
            happened.add("import " + name);
            for (int i = 1; i <= 3; i++) {
                progress.update(i, 4, "tensor " + i);
            }
            if (fail) {
                throw new CheckpointException(dir.resolve("cache"), "cannot create the cache folder: disk full");
            }
            imported = true;
        }
    }

    private Path workspace(String base) throws IOException {
        Path folder = Files.createDirectories(dir.resolve("ws-" + base.hashCode()));
        Files.writeString(folder.resolve(WorkspaceFile.FILE_NAME), "{\"base\": \"" + base + "\", \"tuned\": []}");
        return folder;
    }

    private BaseImportViewModel viewModel(FakeImporter importer) {
        BaseImportViewModel vm = new BaseImportViewModel(UiExecutor.sameThread(), dialogs, importer);
        vm.runningProperty().addListener((obs, was, now) -> happened.add(now ? "dialog shown" : "dialog closed"));
        vm.progressProperty().addListener((obs, was, now) -> {
            if (now.doubleValue() > 0) {
                progress.add(now.doubleValue());
            }
        });
        return vm;
    }

    @Test
    void aFirstStartImportsWithProgressThenClosesTheDialogAndOpensTheWorkspace() throws IOException {
        FakeImporter importer = new FakeImporter();
        BaseImportViewModel vm = viewModel(importer);
        vm.importThen(workspace("builtin:all-MiniLM-L6-v2"), () -> happened.add("open"));
        assertEquals(List.of("dialog shown", "import all-MiniLM-L6-v2", "dialog closed", "open"), happened);
        // the task hands progress to the FX thread, which may fold updates that come in a burst into the last
        assertFalse(progress.isEmpty(), "progress arrived");
        assertEquals(0.75, progress.get(progress.size() - 1));
        assertEquals(progress.stream().sorted().toList(), progress, "and only grew");
        assertFalse(vm.runningProperty().get());
        assertEquals("all-MiniLM-L6-v2", vm.modelProperty().get());
        assertEquals(List.of(), dialogs.errors);
    }

    @Test
    void aLaterStartOpensAtOnceWithoutADialog() throws IOException {
        FakeImporter importer = new FakeImporter();
        importer.imported = true;
        viewModel(importer).importThen(workspace("builtin:all-MiniLM-L6-v2"), () -> happened.add("open"));
        assertEquals(List.of("open"), happened);
    }

    @Test
    void aWorkspaceOnAModelFolderNeedsNoImport() throws IOException {
        viewModel(new FakeImporter()).importThen(workspace("base"), () -> happened.add("open"));
        viewModel(new FakeImporter()).importThen(dir.resolve("no workspace here"), () -> happened.add("open"));
        assertEquals(List.of("open", "open"), happened);
    }

    @Test
    void aFailedImportSaysWhyAndOpensNothing() throws IOException {
        FakeImporter importer = new FakeImporter();
        importer.fail = true;
        BaseImportViewModel vm = viewModel(importer);
        vm.importThen(workspace("builtin:all-MiniLM-L6-v2"), () -> happened.add("open"));
        assertFalse(happened.contains("open"), happened.toString());
        assertEquals("dialog closed", happened.get(happened.size() - 1));
        assertEquals(1, dialogs.errors.size());
        String message = dialogs.errors.get(0).text();
        assertTrue(message.startsWith("all-MiniLM-L6-v2: ") && message.contains("disk full"), message);
    }

    @Test
    void theWorkspaceFileNamesItsBuiltinBase() throws IOException {
        assertEquals(Optional.of("all-MiniLM-L6-v2"), WorkspaceFile.builtinBase(workspace("builtin:all-MiniLM-L6-v2")));
        assertEquals(Optional.empty(), WorkspaceFile.builtinBase(workspace("models/base")));
        assertEquals(Optional.empty(), WorkspaceFile.builtinBase(dir.resolve("missing")));
    }
}
