package dev.finescope.checkpoint;

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
}
