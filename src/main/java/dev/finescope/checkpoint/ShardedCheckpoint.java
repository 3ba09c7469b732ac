package dev.finescope.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model split over several files by a Hugging Face index ({@code model.safetensors.index.json},
 * {@code pytorch_model.bin.index.json}), seen as one checkpoint. Large models are published this way, and the
 * analysis should not care: the index's {@code weight_map} says which shard holds each tensor, the shards are
 * opened by whatever reader fits them. Shard names come from a file a stranger wrote, so a name that leaves the
 * index's folder is refused; a missing shard is reported at opening, before any analysis starts.
 */
public final class ShardedCheckpoint implements Checkpoint {

    private static final Logger LOGGER = LoggerFactory.getLogger(ShardedCheckpoint.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** An index is a small file; refusing huge ones keeps a wrong path from filling the heap. */
    private static final long MAX_INDEX_BYTES = 64L << 20;

    private final Path index;
    private final Map<String, Path> weightMap;
    private final List<String> names;
    private final Map<String, String> metadata;
    private final Function<Path, Checkpoint> opener;
    private final Map<Path, Checkpoint> opened = new LinkedHashMap<>();
    private boolean closed;

    private ShardedCheckpoint(Path index, Map<String, Path> weightMap, Map<String, String> metadata,
            Function<Path, Checkpoint> opener) {
        this.index = index;
        this.weightMap = weightMap;
        this.names = List.copyOf(weightMap.keySet());
        this.metadata = Collections.unmodifiableMap(metadata);
        this.opener = opener;
    }

    /** Opens an index, opening every shard with {@link Checkpoints#open} and checking every listed tensor. */
    public static ShardedCheckpoint open(Path indexFile) {
        return open(indexFile, Checkpoints::openShard, true);
    }

    /**
     * Opens an index whose shards {@code opener} knows how to read. With {@code eager}, every shard is opened
     * now and every tensor of the weight map must be in its shard; otherwise a shard is opened on the first read
     * of one of its tensors (shard files must exist either way).
     */
    public static ShardedCheckpoint open(Path indexFile, Function<Path, Checkpoint> opener, boolean eager) {
        JsonNode root = readIndex(indexFile);
        Path folder = indexFile.toAbsolutePath().normalize().getParent();
        JsonNode map = root.get("weight_map");
        if (map == null || !map.isObject()) {
            throw new CheckpointException(indexFile, "has no weight_map object; it is not a sharded-model index");
        }
        Map<String, Path> weightMap = new LinkedHashMap<>();
        Map<Path, Integer> tensorsPerShard = new LinkedHashMap<>();
        var fields = map.fields();
        while (fields.hasNext()) {
            var field = fields.next();
            String tensor = field.getKey();
            JsonNode value = field.getValue();
            if (!value.isTextual() || value.textValue().isBlank()) {
                throw new CheckpointException(indexFile, "weight_map entry of " + SafetensorsReader.quote(tensor)
                        + " is not a file name");
            }
            Path shard = resolveShard(indexFile, folder, tensor, value.textValue());
            weightMap.put(tensor, shard);
            tensorsPerShard.merge(shard, 1, Integer::sum);
        }
        if (weightMap.isEmpty()) {
            throw new CheckpointException(indexFile, "has an empty weight_map");
        }
        for (var shard : tensorsPerShard.entrySet()) {
            if (!Files.isRegularFile(shard.getKey())) {
                throw new CheckpointException(shard.getKey(), "does not exist, but " + indexFile.getFileName()
                        + " names it as the shard of " + shard.getValue() + " tensors");
            }
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        JsonNode meta = root.get("metadata");
        if (meta != null && meta.isObject()) {
            meta.fields().forEachRemaining(e -> {
                if (e.getValue().isValueNode() && !e.getValue().isNull()) {
                    metadata.put(e.getKey(), e.getValue().asText());
                }
            });
        }
        ShardedCheckpoint checkpoint = new ShardedCheckpoint(indexFile, weightMap, metadata, opener);
        if (eager) {
            try {
                checkpoint.checkEveryTensor();
            } catch (RuntimeException e) {
                checkpoint.close();
                throw e;
            }
        }
        LOGGER.debug("opened {}: {} tensors in {} shards", indexFile, weightMap.size(), tensorsPerShard.size());
        return checkpoint;
    }

    private static JsonNode readIndex(Path indexFile) {
        try {
            if (Files.size(indexFile) > MAX_INDEX_BYTES) {
                throw new CheckpointException(indexFile, "is over " + (MAX_INDEX_BYTES >> 20)
                        + " MB, too large for a sharded-model index");
            }
            JsonNode root = JSON.readTree(indexFile.toFile());
            if (root == null || !root.isObject()) {
                throw new CheckpointException(indexFile, "bad index JSON: not a JSON object");
            }
            return root;
        } catch (NoSuchFileException e) {
            throw new CheckpointException(indexFile, "does not exist", e);
        } catch (JsonProcessingException e) {
            String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().lines().findFirst().orElse("");
            String line = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
            throw new CheckpointException(indexFile, "bad index JSON: " + message + line, e);
        } catch (IOException e) {
            throw new CheckpointException(indexFile, "cannot be read: " + e.getMessage(), e);
        }
    }

    private static Path resolveShard(Path indexFile, Path folder, String tensor, String name) {
        Path shard;
        try {
            Path relative = Path.of(name);
            if (relative.isAbsolute()) {
                throw new CheckpointException(indexFile, "weight_map puts " + SafetensorsReader.quote(tensor)
                        + " in " + SafetensorsReader.quote(name) + ", an absolute path; shards must lie beside the index");
            }
            shard = folder.resolve(relative).normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw new CheckpointException(indexFile, "weight_map puts " + SafetensorsReader.quote(tensor)
                    + " in " + SafetensorsReader.quote(name) + ", which is not a file name");
        }
        if (!shard.startsWith(folder) || shard.equals(folder)) {
            throw new CheckpointException(indexFile, "weight_map puts " + SafetensorsReader.quote(tensor) + " in "
                    + SafetensorsReader.quote(name) + ", outside the folder of the index");
        }
        return shard;
    }

    private void checkEveryTensor() {
        for (var e : weightMap.entrySet()) {
            Checkpoint shard = shard(e.getValue());
            if (!shard.contains(e.getKey())) {
                throw missingInShard(e.getKey(), e.getValue());
            }
        }
    }

    private CheckpointException missingInShard(String tensor, Path shard) {
        return new CheckpointException(shard, "has no tensor " + SafetensorsReader.quote(tensor) + ", but "
                + index.getFileName() + " says it holds it");
    }

    private synchronized Checkpoint shard(Path shard) {
        if (closed) {
            throw new CheckpointException(index, "cannot read: the checkpoint is closed");
        }
        Checkpoint c = opened.get(shard);
        if (c == null) {
            c = opener.apply(shard);
            opened.put(shard, c);
        }
        return c;
    }

    /** The shard files in the order the weight map first names them. */
    public List<Path> shards() {
        return new ArrayList<>(new java.util.LinkedHashSet<>(weightMap.values()));
    }

    /** The shard that holds {@code tensor}, by the weight map. */
    public Path shardOf(String tensor) {
        Path p = weightMap.get(tensor);
        if (p == null) {
            throw new CheckpointException(index, "has no tensor " + SafetensorsReader.quote(tensor));
        }
        return p;
    }

    @Override
    public Path source() {
        return index;
    }

    @Override
    public List<String> tensorNames() {
        return names;
    }

    @Override
    public boolean contains(String name) {
        return weightMap.containsKey(name);
    }

    @Override
    public Tensor tensor(String name) {
        Path shardFile = shardOf(name);
        Checkpoint shard = shard(shardFile);
        if (!shard.contains(name)) {
            throw missingInShard(name, shardFile);
        }
        return shard.tensor(name);
    }

    /** The index's {@code metadata} (values as text, such as {@code total_size}). */
    @Override
    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public synchronized void close() {
        closed = true;
        for (Checkpoint c : opened.values()) {
            try {
                c.close();
            } catch (RuntimeException e) {
                LOGGER.warn("closing shard {} failed", c.source(), e);
            }
        }
        opened.clear();
    }

    @Override
    public String toString() {
        return "sharded " + index;
    }
}
