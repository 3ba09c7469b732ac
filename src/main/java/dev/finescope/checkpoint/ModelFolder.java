package dev.finescope.checkpoint;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model as the user points at it: a Hugging Face folder ({@code config.json}, weights by their usual names,
 * {@code vocab.txt} or {@code tokenizer.json}) or a single weights file. People pick whatever they downloaded;
 * this gathers the pieces once, so the rest of FineScope gets weights, a config (read, or inferred from shapes
 * when there is none) and the tokenizer files without caring how the model was laid out.
 *
 * <p>A user's model is input only. Opening reads, maps read-only and never creates, changes or locks a file;
 * code that writes derived files asks {@link #requireOutside(Path)} first, so that nothing FineScope makes
 * lands in, or replaces something in, the model the user opened.
 *
 * <p>This class opens plain models only. Base ⊕ overlay is a subclass that takes the base's config and
 * tokenizer; {@code checkpoint.overlay.Models} is the one place that opens a model of either kind, and the only
 * caller of {@link #open} outside this package.
 */
public class ModelFolder implements AutoCloseable {

    public static final String VOCAB_FILE_NAME = "vocab.txt";
    public static final String TOKENIZER_FILE_NAME = "tokenizer.json";

    private static final Logger LOGGER = LoggerFactory.getLogger(ModelFolder.class);

    private final Path path;
    private final boolean folder;
    private final Checkpoint weights;
    private final ModelConfig config;
    private final Path configFile;
    private final Path vocab;
    private final Path tokenizerJson;
    private final ModelFolder base;

    private ModelFolder(Path path, boolean folder, Checkpoint weights, ModelConfig config, Path configFile,
            Path vocab, Path tokenizerJson) {
        this.path = path;
        this.folder = folder;
        this.weights = weights;
        this.config = config;
        this.configFile = configFile;
        this.vocab = vocab;
        this.tokenizerJson = tokenizerJson;
        this.base = null;
    }

    /**
     * A model made of {@code base} and other weights read from the file {@code path}: {@code weights} is the
     * combined view, and config and tokenizer are the base's.
     */
    protected ModelFolder(Path path, Checkpoint weights, ModelFolder base) {
        this.path = path;
        this.folder = false;
        this.weights = weights;
        this.config = base.config;
        this.configFile = base.configFile;
        this.vocab = base.vocab;
        this.tokenizerJson = base.tokenizerJson;
        this.base = base;
    }

    /**
     * Opens a plain model folder or a single weights file, read-only. For a folder, {@code config.json} is read
     * and any size it lacks is inferred from the tensors; for a file, the whole config is inferred. An overlay
     * file is refused here ({@link #isOverlay}): {@code checkpoint.overlay.Models} opens it on its base.
     */
    public static ModelFolder open(Path folderOrFile) {
        return open(folderOrFile, NameMap.standard());
    }

    /** As {@link #open(Path)}, locating tensors with {@code names} when inferring the config. */
    public static ModelFolder open(Path folderOrFile, NameMap names) {
        Path path = folderOrFile.toAbsolutePath().normalize();
        if (!Files.exists(path)) {
            throw new CheckpointException(folderOrFile, "does not exist");
        }
        boolean isFolder = Files.isDirectory(path);
        Checkpoint weights = Checkpoints.open(path);
        try {
            if (!isFolder && isOverlay(weights)) {
                throw new CheckpointException(folderOrFile, "is an overlay, but it is given as the base of an "
                        + "overlay; FineScope applies one overlay to a plain model");
            }
            if (!isFolder) {
                ModelConfig inferred = ModelConfig.infer(weights, names);
                LOGGER.debug("opened {}: {}", path, inferred.describe());
                return new ModelFolder(path, false, weights, inferred, null, null, null);
            }
            Path configFile = path.resolve(ModelConfig.CONFIG_FILE_NAME);
            ModelConfig config;
            if (Files.isRegularFile(configFile)) {
                config = ModelConfig.read(configFile);
                if (config.hasUnknowns()) {
                    config = config.withUnknownsFrom(ModelConfig.infer(weights, names));
                }
            } else {
                configFile = null;
                config = ModelConfig.infer(weights, names);
            }
            Path vocab = regularFile(path.resolve(VOCAB_FILE_NAME));
            Path tokenizer = regularFile(path.resolve(TOKENIZER_FILE_NAME));
            LOGGER.debug("opened {}: {}", path, config.describe());
            return new ModelFolder(path, true, weights, config, configFile, vocab, tokenizer);
        } catch (RuntimeException e) {
            weights.close();
            throw e;
        }
    }

    /** The metadata key and value that mark a weights file as a FineScope overlay rather than a model. */
    public static final String OVERLAY_FORMAT_KEY = "finescope.format";
    public static final String OVERLAY_FORMAT = "overlay/1";

    /** True when {@code checkpoint} is a FineScope overlay file rather than a model's weights. */
    public static boolean isOverlay(Checkpoint checkpoint) {
        return checkpoint.metadata().containsKey(OVERLAY_FORMAT_KEY);
    }

    private static Path regularFile(Path p) {
        return Files.isRegularFile(p) ? p : null;
    }

    /** The folder or file name, as the user knows the model. */
    public String label() {
        Path name = path.getFileName();
        return name == null ? path.toString() : name.toString();
    }

    /** The absolute folder or file the user opened. */
    public Path path() {
        return path;
    }

    /** True when the user opened a folder, false for a single weights file. */
    public boolean isFolder() {
        return folder;
    }

    public ModelConfig config() {
        return config;
    }

    /** The {@code config.json} that was read, if there was one. */
    public Optional<Path> configFile() {
        return Optional.ofNullable(configFile);
    }

    public Checkpoint weights() {
        return weights;
    }

    public Optional<Path> vocab() {
        return Optional.ofNullable(vocab);
    }

    public Optional<Path> tokenizerJson() {
        return Optional.ofNullable(tokenizerJson);
    }

    /** For base ⊕ overlay, the base model; empty for a plain model. */
    public Optional<ModelFolder> base() {
        return Optional.ofNullable(base);
    }

    /**
     * The files this model was read from: weights (every shard), config and tokenizer files; for base ⊕ overlay,
     * the overlay file and then the base's files.
     */
    public List<Path> inputFiles() {
        List<Path> files = new ArrayList<>();
        files.add(weights.source().toAbsolutePath().normalize());
        if (base != null) {
            files.addAll(base.inputFiles());
            return files;
        }
        if (weights instanceof ShardedCheckpoint sharded) {
            files.addAll(sharded.shards());
        }
        configFile().ifPresent(files::add);
        vocab().ifPresent(files::add);
        tokenizerJson().ifPresent(files::add);
        return files;
    }

    /**
     * Refuses {@code target} as a place to write when it lies inside the opened model folder or is one of the
     * model's files: a {@link CheckpointException} naming the target. Writers call this before writing derived
     * models, reports or caches next to a user's model.
     */
    public void requireOutside(Path target) {
        if (base != null) {
            base.requireOutside(target);
        }
        Path t = real(target);
        boolean inside = folder ? t.startsWith(real(path))
                : inputFiles().stream().map(ModelFolder::real).anyMatch(t::equals);
        if (inside) {
            throw new CheckpointException(target, "is " + (folder ? "inside the model folder " : "the model file ")
                    + path + ", which FineScope only reads; choose another place to write");
        }
    }

    /** The path with every symbolic link of its existing part resolved, so that no alias slips through. */
    private static Path real(Path p) {
        Path absolute = p.toAbsolutePath().normalize();
        Path existing = absolute;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return absolute;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(absolute));
        } catch (java.io.IOException e) {
            return absolute;
        }
    }

    @Override
    public void close() {
        weights.close();
    }

    @Override
    public String toString() {
        return label() + " (" + config.describe() + ")";
    }
}
