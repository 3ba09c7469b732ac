package dev.finescope.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.finescope.checkpoint.GridColumn;
import dev.finescope.checkpoint.GridPosition;
import dev.finescope.checkpoint.GridRow;
import dev.finescope.checkpoint.NameMap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComparisonCacheTest {

    @TempDir
    Path dir;
    Path baseFile;
    Path tunedFile;
    ComparisonCache cache;
    final AtomicInteger computed = new AtomicInteger();

    @BeforeEach
    void files() throws IOException {
        baseFile = Files.write(dir.resolve("base.safetensors"), new byte[] {1, 2, 3});
        tunedFile = Files.write(dir.resolve("tuned.safetensors"), new byte[] {4, 5, 6});
        cache = new ComparisonCache(dir.resolve("cache"));
    }

    private ModelComparison compare(Function<String, Optional<GridPosition>> locator) {
        return cache.compare(List.of(baseFile), List.of(tunedFile), "base", "tuned", locator, () -> {
            computed.incrementAndGet();
            return new Analyzer(1).compare(Fixtures.base(), "base", Fixtures.tuned(), "tuned", locator, null);
        });
    }

    @Test
    void aPairComparedOnceIsReadBackEqualWithoutComparingAgain() {
        ModelComparison first = compare(NameMap.standard()::locate);
        ModelComparison second = compare(NameMap.standard()::locate);
        assertEquals(1, computed.get());
        assertEquals(first, second);
        assertTrue(first.tensors().size() > 10, "the fixture pair has tensors on the grid");
        assertTrue(first.layers() > 0);
    }

    @Test
    void aFileWrittenAgainIsANewPair() throws IOException {
        compare(NameMap.standard()::locate);
        Files.setLastModifiedTime(tunedFile, FileTime.fromMillis(Files.getLastModifiedTime(tunedFile).toMillis() + 2000));
        compare(NameMap.standard()::locate);
        assertEquals(2, computed.get());
        Files.write(baseFile, new byte[] {1, 2, 3, 4});
        compare(NameMap.standard()::locate);
        assertEquals(3, computed.get());
    }

    @Test
    void positionsAndLabelsAreMadeAgainOnReading() {
        compare(NameMap.standard()::locate);
        GridPosition everywhere = new GridPosition(GridRow.layer(0), GridColumn.Q, GridPosition.Part.WEIGHT);
        ModelComparison c = cache.compare(List.of(baseFile), List.of(tunedFile), "pre-trained", "mine",
                name -> Optional.of(everywhere), () -> {
                    throw new AssertionError("read from the cache");
                });
        assertEquals("pre-trained", c.baseLabel());
        assertEquals("mine", c.tunedLabel());
        assertTrue(c.tensors().stream().allMatch(t -> everywhere.equals(t.position())));
        assertEquals(1, c.layers());
    }

    @Test
    void anEntryThatCannotBeReadIsComparedAgainAndReplaced() throws IOException {
        ModelComparison first = compare(NameMap.standard()::locate);
        try (var files = Files.list(dir.resolve("cache"))) {
            Path entry = files.filter(p -> p.toString().endsWith(".bin")).findFirst().orElseThrow();
            byte[] bytes = Files.readAllBytes(entry);
            Files.write(entry, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        }
        assertEquals(first, compare(NameMap.standard()::locate));
        assertEquals(2, computed.get());
        assertEquals(first, compare(NameMap.standard()::locate));
        assertEquals(2, computed.get());
    }

    @Test
    void aMissingFileLeavesTheCacheOut() throws IOException {
        Files.delete(tunedFile);
        compare(NameMap.standard()::locate);
        compare(NameMap.standard()::locate);
        assertEquals(2, computed.get());
        assertNotEquals(Optional.empty(), ComparisonCache.key(List.of(baseFile), List.of()));
        assertEquals(Optional.empty(), ComparisonCache.key(List.of(baseFile), List.of(tunedFile)));
    }
}
