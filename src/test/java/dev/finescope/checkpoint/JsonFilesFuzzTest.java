package dev.finescope.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The two JSON files FineScope parses beside the weights, fuzzed: a shard index ({@code *.index.json}, next to
 * two real shards so that a fuzzed index may reach them) and {@code config.json}. Either they open or they fail
 * with one clean {@link CheckpointException} line naming the file; anything else escaping is a finding.
 */
class JsonFilesFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void shardIndexOpensOrFailsCleanly(byte[] data) throws IOException {
        Path dir = Files.createTempDirectory("finescope-fuzz-index");
        try {
            Path shards = Fixtures.shardedFolder();
            try (Stream<Path> files = Files.list(shards)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    if (f.getFileName().toString().endsWith(".safetensors")) {
                        Files.copy(f, dir.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            Path index = dir.resolve("model.safetensors.index.json");
            Files.write(index, data);
            try (ShardedCheckpoint c = ShardedCheckpoint.open(index)) {
                for (String name : c.tensorNames()) {
                    c.tensor(name).toFloatArray();
                }
            } catch (CheckpointException e) {
                assertOneLineNaming(e, dir);
            }
        } finally {
            deleteTree(dir);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void configOpensOrFailsCleanly(byte[] data) throws IOException {
        Path dir = Files.createTempDirectory("finescope-fuzz-config");
        try {
            Path config = dir.resolve(ModelConfig.CONFIG_FILE_NAME);
            Files.write(config, data);
            try {
                ModelConfig c = ModelConfig.read(config);
                assertTrue(c.numLayers() >= 0 && c.hiddenSize() >= 0 && c.vocabSize() >= 0,
                        "sizes are never negative: " + c);
            } catch (CheckpointException e) {
                assertOneLineNaming(e, config);
            }
        } finally {
            deleteTree(dir);
        }
    }

    @Test
    void aValidIndexAndAValidConfigOpen() throws IOException {
        try (ShardedCheckpoint c = ShardedCheckpoint.open(Fixtures.shardedFolder().resolve("model.safetensors.index.json"))) {
            assertTrue(c.tensorNames().size() > 1);
        }
        ModelConfig config = ModelConfig.read(Path.of("src/test/resources/fixtures/tiny-bert/base/config.json"));
        assertEquals(2, config.numLayers());
        assertEquals(32, config.hiddenSize());
    }

    private static void assertOneLineNaming(CheckpointException e, Path file) {
        String m = e.getMessage();
        assertTrue(m.startsWith(file.toString()) && !m.contains("\n"),
                "not a one-line message naming " + file + ": " + m);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
