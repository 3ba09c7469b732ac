package dev.finescope.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the export dialog opens: the last export's folder, else pictures or documents; never the working folder. */
class ExportFolderTest {

    private static final Function<String, Path> USER = kind -> Path.of("/home/ann/" + kind.toLowerCase());

    @Test
    void picturesForChartsDocumentsForTables() {
        assertEquals(Path.of("/home/ann/pictures"),
                FxDialogService.initialSaveFolder(List.of("png", "svg"), Optional.empty(), USER));
        assertEquals(Path.of("/home/ann/documents"),
                FxDialogService.initialSaveFolder(List.of("csv"), Optional.empty(), USER));
    }

    @Test
    void theLastExportsFolderWinsWhileItIsThere(@TempDir Path last) {
        assertEquals(last, FxDialogService.initialSaveFolder(List.of("csv"), Optional.of(last), USER));
        assertEquals(Path.of("/home/ann/pictures"), FxDialogService.initialSaveFolder(List.of("png"),
                Optional.of(last.resolve("gone")), USER));
    }

    @Test
    void thePreferencesRememberTheFolder() {
        AppPreferences prefs = new AppPreferences(java.util.prefs.Preferences.userRoot()
                .node("dev/finescope/test/export-" + System.nanoTime()));
        try {
            assertEquals(Optional.empty(), prefs.exportFolder());
            prefs.rememberExportFolder(Path.of("/tmp/x/../exports"));
            assertEquals(Optional.of(Path.of("/tmp/exports")), prefs.exportFolder());
        } finally {
            prefs.clear();
        }
    }
}
