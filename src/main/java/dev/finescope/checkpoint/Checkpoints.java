package dev.finescope.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Opens any weights file or model folder FineScope understands, recognising the format by name and content.
 * Users point at whatever they downloaded; one entry point that decides keeps every command and view from
 * guessing formats on its own, and gives one consistent error when the guess fails. Everything is opened
 * read-only.
 */
public final class Checkpoints {

    /** The weight files of a Hugging Face model folder, in the order they are preferred. */
    public static final List<String> WEIGHT_FILE_NAMES = List.of(
            "model.safetensors",
            "model.safetensors.index.json",
            "pytorch_model.bin",
            "pytorch_model.bin.index.json");

    private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};

    private Checkpoints() {
    }

    /**
     * A {@code .safetensors} file, a {@code model.safetensors.index.json}, a {@code pytorch_model.bin}, a
     * {@code pytorch_model.bin.index.json}, or a folder holding one of these.
     */
    public static Checkpoint open(Path fileOrFolder) {
        if (Files.isDirectory(fileOrFolder)) {
            Path weights = findWeights(fileOrFolder).orElseThrow(() -> noWeights(fileOrFolder));
            return openFile(weights);
        }
        if (!Files.exists(fileOrFolder)) {
            throw new CheckpointException(fileOrFolder, "does not exist");
        }
        return openFile(fileOrFolder);
    }

    /** The weights of a model folder by their usual names (safetensors first), if there are any. */
    public static Optional<Path> findWeights(Path folder) {
        for (String name : WEIGHT_FILE_NAMES) {
            Path p = folder.resolve(name);
            if (Files.isRegularFile(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** What a shard of a sharded model may be: any weights file, but not another index. */
    static Checkpoint openShard(Path shard) {
        if (isIndex(shard)) {
            throw new CheckpointException(shard, "is an index, but it is listed as a shard of another index");
        }
        return open(shard);
    }

    private static Checkpoint openFile(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (isIndex(file)) {
            return ShardedCheckpoint.open(file);
        }
        byte[] head = head(file);
        if (startsWith(head, ZIP_MAGIC)) {
            return PyTorchBinReader.open(file);
        }
        if (name.endsWith(".bin") || name.endsWith(".pt") || name.endsWith(".pth")) {
            return PyTorchBinReader.open(file);
        }
        if (name.endsWith(".safetensors") || looksLikeSafetensors(head, file)) {
            return SafetensorsReader.open(file);
        }
        if (name.endsWith(".h5") || name.endsWith(".msgpack") || name.endsWith(".onnx") || name.endsWith(".gguf")) {
            throw new CheckpointException(file, "is a " + name.substring(name.lastIndexOf('.') + 1)
                    + " file, which FineScope does not read; open the model's .safetensors or .bin weights instead");
        }
        throw new CheckpointException(file, "is not a weights file FineScope knows "
                + "(expected .safetensors, .bin, or a *.index.json of a sharded model)");
    }

    private static boolean isIndex(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".index.json");
    }

    private static byte[] head(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(9);
        } catch (IOException e) {
            throw new CheckpointException(file, "cannot be read: " + e.getMessage(), e);
        }
    }

    private static boolean startsWith(byte[] head, byte[] magic) {
        if (head.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if (head[i] != magic[i]) {
                return false;
            }
        }
        return true;
    }

    /** A plausible header length followed by the opening brace of the JSON header. */
    private static boolean looksLikeSafetensors(byte[] head, Path file) {
        if (head.length < 9 || head[8] != '{') {
            return false;
        }
        long length = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        try {
            return length > 1 && length <= SafetensorsReader.MAX_HEADER_BYTES && length <= Files.size(file) - 8;
        } catch (IOException e) {
            return false;
        }
    }

    private static CheckpointException noWeights(Path folder) {
        for (String name : WEIGHT_FILE_NAMES) {
            if (Files.isDirectory(folder.resolve(name))) {
                return new CheckpointException(folder.resolve(name), "is a folder, not a weights file; the model's "
                        + "weights must be a file of this name");
            }
        }
        List<String> others = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".safetensors") || n.endsWith(".bin") || n.endsWith(".h5")
                            || n.endsWith(".msgpack") || n.endsWith(".onnx") || n.endsWith(".index"))
                    .sorted()
                    .limit(5)
                    .forEach(others::add);
        } catch (IOException e) {
            throw new CheckpointException(folder, "cannot be listed: " + e.getMessage(), e);
        }
        String found = others.isEmpty() ? "" : "; it holds " + String.join(", ", others)
                + " (open such a file directly if it is the model)";
        return new CheckpointException(folder, "holds no model weights: looked for "
                + String.join(", ", WEIGHT_FILE_NAMES) + found);
    }

    /**
     * How many token positions a model has: the rows of its position embeddings, found by name under any of
     * the known layouts; 0 when it has none. The longest input it can read.
     */
    public static int tokenPositions(Checkpoint weights) {
        NameMap names = NameMap.standard();
        for (String name : weights.tensorNames()) {
            Optional<GridPosition> at = names.locate(name);
            if (at.isPresent() && at.get().column() == GridColumn.POSITION
                    && at.get().part() == GridPosition.Part.WEIGHT) {
                long[] shape = weights.tensor(name).shape();
                return shape.length == 2 && shape[0] <= Integer.MAX_VALUE ? (int) shape[0] : 0;
            }
        }
        return 0;
    }
}
