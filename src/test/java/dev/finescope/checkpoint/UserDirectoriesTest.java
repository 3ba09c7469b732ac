package dev.finescope.checkpoint;

import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UserDirectoriesTest {

    @Test
    void linuxUsesXdgCacheHomeWhenItIsAbsolute() {
        assertEquals(Path.of("/var/cache/ann/finescope"),
                UserDirectories.cache(null, "Linux", Map.of("XDG_CACHE_HOME", "/var/cache/ann"), "/home/ann"));
    }

    @Test
    void linuxFallsBackToDotCacheInTheHomeFolder() {
        assertEquals(Path.of("/home/ann/.cache/finescope"), UserDirectories.cache(null, "Linux", Map.of(), "/home/ann"));
        assertEquals(Path.of("/home/ann/.cache/finescope"),
                UserDirectories.cache(null, "Linux", Map.of("XDG_CACHE_HOME", "relative/cache"), "/home/ann"));
    }

    @Test
    void macOsUsesLibraryCaches() {
        assertEquals(Path.of("/Users/ann/Library/Caches/FineScope"),
                UserDirectories.cache(null, "Mac OS X", Map.of("XDG_CACHE_HOME", "/tmp/x"), "/Users/ann"));
    }

    @Test
    void windowsUsesLocalAppData() {
        String local = "C:\\Users\\ann\\AppData\\Local";
        assertEquals(Path.of(local, "FineScope", "cache"),
                UserDirectories.cache(null, "Windows 11", Map.of("LOCALAPPDATA", local), "C:\\Users\\ann"));
        assertEquals(Path.of("home", "AppData", "Local", "FineScope", "cache"),
                UserDirectories.cache(null, "Windows 10", Map.of(), "home"));
    }

    @Test
    void theSystemPropertyWinsOverEveryPlatformRule() {
        assertEquals(Path.of("/tmp/fs-cache"),
                UserDirectories.cache("/tmp/fs-cache", "Linux", Map.of("XDG_CACHE_HOME", "/var/cache"), "/home/ann"));
        assertEquals(Path.of("/tmp/fs-cache"), UserDirectories.cache("/tmp/fs-cache", "Windows 11", Map.of(), "C:"));
    }

    @Test
    void resultsLastingLongerThanACacheGoToThePlatformsDataFolder() {
        assertEquals(Path.of("/home/ann/.local/share/finescope"), UserDirectories.data(null, "Linux", Map.of(), "/home/ann"));
        assertEquals(Path.of("/data/ann/finescope"),
                UserDirectories.data(null, "Linux", Map.of("XDG_DATA_HOME", "/data/ann"), "/home/ann"));
        assertEquals(Path.of("/Users/ann/Library/Application Support/FineScope"),
                UserDirectories.data(null, "Mac OS X", Map.of(), "/Users/ann"));
        assertEquals(Path.of("/tmp/c/data"), UserDirectories.data("/tmp/c", "Linux", Map.of(), "/home/ann"));
    }

    @Test
    void aWritableWorkspaceKeepsItsOutputsAndAReadOnlyOneGetsAFolderPerUser() {
        Path ws = Path.of("/opt/finescope/lib/sample-models");
        Path runs = ws.resolve("runs");
        Path data = Path.of("/home/ann/.local/share/finescope");
        assertEquals(runs, UserDirectories.writableOrPerUser(runs, ws, p -> true, data));
        Path moved = UserDirectories.writableOrPerUser(runs, ws, p -> false, data);
        assertEquals(data.resolve("workspaces"), moved.getParent().getParent());
        assertTrue(moved.getParent().getFileName().toString().startsWith("sample-models-"), moved.toString());
        assertEquals("runs", moved.getFileName().toString());
        assertEquals(moved.getParent(),
                UserDirectories.writableOrPerUser(ws.resolve("whatif"), ws, p -> false, data).getParent());
        assertNotEquals(moved, UserDirectories.writableOrPerUser(Path.of("/srv/other/sample-models/runs"),
                Path.of("/srv/other/sample-models"), p -> false, data));
    }

    @Test
    void aWorkspacesOutputsGoToAFolderPerWorkspaceUnderTheDataFolder() {
        Path data = Path.of("/home/ann/.local/share/finescope");
        Path runs = UserDirectories.workspaceOutputs(Path.of("/home/ann/finescope/sample-models"), "runs", data);
        assertEquals(data.resolve("workspaces"), runs.getParent().getParent());
        assertTrue(runs.getParent().getFileName().toString().startsWith("sample-models-"), runs.toString());
        assertEquals("runs", runs.getFileName().toString());
        assertEquals(runs.getParent(), UserDirectories.workspaceOutputs(Path.of("/home/ann/finescope/sample-models"),
                "whatif", data).getParent());
    }

    @Test
    void exportsGoToTheUsersPicturesOrDocumentsFolder(@TempDir Path home) throws Exception {
        assertEquals(home, UserDirectories.userFolder("PICTURES", home.toString(), Map.of()));
        java.nio.file.Files.createDirectories(home.resolve("Pictures"));
        java.nio.file.Files.createDirectories(home.resolve("Documents"));
        assertEquals(home.resolve("Pictures"), UserDirectories.userFolder("PICTURES", home.toString(), Map.of()));
        assertEquals(home.resolve("Documents"), UserDirectories.userFolder("DOCUMENTS", home.toString(), Map.of()));
        java.nio.file.Files.createDirectories(home.resolve("Bilder"));
        java.nio.file.Files.createDirectories(home.resolve(".config"));
        java.nio.file.Files.writeString(home.resolve(".config/user-dirs.dirs"),
                "# written by xdg-user-dirs-update\nXDG_PICTURES_DIR=\"$HOME/Bilder\"\n");
        assertEquals(home.resolve("Bilder"), UserDirectories.userFolder("PICTURES", home.toString(), Map.of()));
    }

    @Test
    void aFolderThatDoesNotExistYetCanBeCreatedWhereItsParentIsWritable(@TempDir Path tmp) {
        assertTrue(UserDirectories.canCreate(tmp.resolve("runs").resolve("deeper")));
    }
}
