package dev.finescope.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardedCheckpointTest {

    private static final String SHARD_1 = "model-00001-of-00002.safetensors";
    private static final String SHARD_2 = "model-00002-of-00002.safetensors";

    @TempDir
    Path dir;

    private Path copyShards(String indexName, String indexJson) throws IOException {
        Files.copy(Fixtures.shardedFolder().resolve(SHARD_1), dir.resolve(SHARD_1));
        Files.copy(Fixtures.shardedFolder().resolve(SHARD_2), dir.resolve(SHARD_2));
        Path index = dir.resolve(indexName);
        Files.writeString(index, indexJson);
        return index;
    }

    @Test
    void theShardsTogetherHoldExactlyTheTensorsOfTheSingleFile() {
        Path index = Fixtures.shardedFolder().resolve("model.safetensors.index.json");
        try (ShardedCheckpoint sharded = ShardedCheckpoint.open(index);
                SafetensorsReader single = SafetensorsReader.open(Fixtures.mixed())) {
            assertEquals(single.tensorNames().stream().sorted().toList(), sharded.tensorNames());
            for (String n : single.tensorNames()) {
                Tensor a = single.tensor(n);
                Tensor b = sharded.tensor(n);
                assertEquals(a.dtype(), b.dtype(), n);
                assertArrayEquals(a.shape(), b.shape(), n);
                assertArrayEquals(Fixtures.remaining(a.bytes(0, (int) a.numel())),
                        Fixtures.remaining(b.bytes(0, (int) b.numel())), n);
            }
            assertEquals(Map.of("total_size", "128"), sharded.metadata());
            assertEquals(List.of(index.getParent().resolve(SHARD_1), index.getParent().resolve(SHARD_2)),
                    sharded.shards().stream().sorted().toList());
        }
    }

    @Test
    void lazyOpeningOpensAShardOnlyWhenOneOfItsTensorsIsRead() {
        Path index = Fixtures.shardedFolder().resolve("model.safetensors.index.json");
        List<Path> opened = new ArrayList<>();
        Function<Path, Checkpoint> opener = p -> {
            opened.add(p.getFileName());
            return SafetensorsReader.open(p);
        };
        try (ShardedCheckpoint c = ShardedCheckpoint.open(index, opener, false)) {
            assertEquals(List.of(), opened);
            assertEquals(12, c.tensorNames().size());
            c.tensor("mask").toFloatArray();
            c.tensor("flags").toFloatArray();
            assertEquals(List.of(Path.of(SHARD_2)), opened);
        }
    }

    @Test
    void anIndexNamingAMissingShardIsRefusedNamingBoth() throws IOException {
        Path index = dir.resolve("model.safetensors.index.json");
        Files.copy(Fixtures.shardedFolder().resolve(SHARD_1), dir.resolve(SHARD_1));
        Files.writeString(index, "{\"weight_map\": {\"a\": \"" + SHARD_1 + "\", \"b\": \"" + SHARD_2
                + "\", \"c\": \"" + SHARD_2 + "\"}}");
        CheckpointException e = assertThrows(CheckpointException.class, () -> ShardedCheckpoint.open(index));
        assertEquals(dir.resolve(SHARD_2), e.file());
        assertEquals(dir.resolve(SHARD_2) + ": does not exist, but model.safetensors.index.json names it as the "
                + "shard of 2 tensors", e.getMessage());
    }

    @Test
    void aTensorListedButAbsentFromItsShardIsRefused() throws IOException {
        Path index = copyShards("model.safetensors.index.json",
                "{\"weight_map\": {\"f16\": \"" + SHARD_1 + "\", \"ghost\": \"" + SHARD_1 + "\"}}");
        String expected = dir.resolve(SHARD_1) + ": has no tensor 'ghost', but model.safetensors.index.json says it "
                + "holds it";
        CheckpointException eager = assertThrows(CheckpointException.class, () -> ShardedCheckpoint.open(index));
        assertEquals(expected, eager.getMessage());
        try (ShardedCheckpoint lazy = ShardedCheckpoint.open(index, SafetensorsReader::open, false)) {
            assertEquals(10, lazy.tensor("f16").numel());
            CheckpointException e = assertThrows(CheckpointException.class, () -> lazy.tensor("ghost"));
            assertEquals(expected, e.getMessage());
        }
    }

    @Test
    void aShardPathLeavingTheFolderIsRefused() throws IOException {
        Path inner = Files.createDirectory(dir.resolve("inner"));
        Files.copy(Fixtures.shardedFolder().resolve(SHARD_1), dir.resolve(SHARD_1));
        Path index = inner.resolve("model.safetensors.index.json");
        Files.writeString(index, "{\"weight_map\": {\"f16\": \"../" + SHARD_1 + "\"}}");
        CheckpointException e = assertThrows(CheckpointException.class, () -> ShardedCheckpoint.open(index));
        assertEquals(index + ": weight_map puts 'f16' in '../" + SHARD_1 + "', outside the folder of the index",
                e.getMessage());

        Files.writeString(index, "{\"weight_map\": {\"f16\": \"" + dir.resolve(SHARD_1) + "\"}}");
        e = assertThrows(CheckpointException.class, () -> ShardedCheckpoint.open(index));
        assertEquals(index + ": weight_map puts 'f16' in '" + dir.resolve(SHARD_1)
                + "', an absolute path; shards must lie beside the index", e.getMessage());
    }

    @Test
    void aBadIndexIsRefusedWithItsProblem() throws IOException {
        Path index = dir.resolve("model.safetensors.index.json");
        Files.writeString(index, "{\"weight_map\": {\"a\": }");
        CheckpointException e = assertThrows(CheckpointException.class, () -> ShardedCheckpoint.open(index));
        assertEquals(index + ": bad index JSON: Unexpected character ('}' (code 125)): expected a value (line 1)",
                e.getMessage());
        Files.writeString(index, "{\"metadata\": {}}");
        e = assertThrows(CheckpointException.class, () -> ShardedCheckpoint.open(index));
        assertEquals("has no weight_map object; it is not a sharded-model index", e.problem());
        Files.writeString(index, "{\"weight_map\": {\"a\": 3}}");
        e = assertThrows(CheckpointException.class, () -> ShardedCheckpoint.open(index));
        assertEquals("weight_map entry of 'a' is not a file name", e.problem());
    }

    @Test
    void aPytorchStyleIndexOpensItsShardsThroughCheckpointsOpen() throws IOException {
        Path index = copyShards("pytorch_model.bin.index.json",
                "{\"metadata\": {\"total_size\": 70}, \"weight_map\": {\"f16\": \"" + SHARD_1 + "\", \"mask\": \""
                        + SHARD_2 + "\"}}");
        try (Checkpoint c = Checkpoints.open(index)) {
            assertInstanceOf(ShardedCheckpoint.class, c);
            assertEquals(List.of("f16", "mask"), c.tensorNames());
            assertEquals(4, c.tensor("mask").numel());
        }
    }

    @Test
    void aShardThatIsItselfAnIndexIsRefused() throws IOException {
        Path index = dir.resolve("model.safetensors.index.json");
        Files.writeString(index, "{\"weight_map\": {\"a\": \"model.safetensors.index.json\"}}");
        CheckpointException e = assertThrows(CheckpointException.class, () -> ShardedCheckpoint.open(index));
        assertEquals(index + ": is an index, but it is listed as a shard of another index", e.getMessage());
    }

    @Test
    void readingAfterCloseIsAClearError() {
        Path index = Fixtures.shardedFolder().resolve("model.safetensors.index.json");
        ShardedCheckpoint c = ShardedCheckpoint.open(index);
        c.close();
        CheckpointException e = assertThrows(CheckpointException.class, () -> c.tensor("f16"));
        assertEquals(index + ": cannot read: the checkpoint is closed", e.getMessage());
    }
}
