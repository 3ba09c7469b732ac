package dev.finescope.train;

import dev.finescope.checkpoint.Checkpoint;
import dev.finescope.checkpoint.CheckpointException;
import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.checkpoint.overlay.Models;
import dev.finescope.train.data.DataException;
import dev.finescope.train.data.Split;
import dev.finescope.train.data.TaskMetric;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A model with a task head, ready to score task data: a model folder whose weights hold {@code classifier.*}
 * (a Hugging Face {@code BertForSequenceClassification} as it is, or an exported fine-tune), or a FineScope
 * overlay, which opens as base ⊕ overlay with the base folder's configuration and tokenizer. The head's shape
 * decides the number of outputs, whatever {@code config.json} says, and must fit the task, so a model fine-tuned
 * for another task is refused rather than scored by a random head.
 */
public final class TaskModel implements AutoCloseable {

    private final ModelFolder folder;
    private final BertEncoder encoder;
    private final TextTokenizer tokenizer;

    private TaskModel(ModelFolder folder, BertEncoder encoder, TextTokenizer tokenizer) {
        this.folder = folder;
        this.encoder = encoder;
        this.tokenizer = tokenizer;
    }

    /**
     * Opens a model folder with a task head.
     *
     * @param outputs the outputs the task needs (classes, or 1 for a regression)
     * @throws CheckpointException naming the folder when it has no configuration, tokenizer or fitting head
     */
    public static TaskModel open(Path model, int outputs, ai.djl.Device device) {
        ModelFolder folder = Models.open(model);
        try {
            // base ⊕ overlay takes its configuration and tokenizer from the base folder
            Path configFolder = folder.base().map(ModelFolder::path).orElse(folder.path());
            if (!folder.isFolder() && folder.base().isEmpty()) {
                throw new CheckpointException(model, "is a weights file; evaluating needs a model folder (config.json "
                        + "and a tokenizer) or an overlay on one");
            }
            return open(folder, folder.weights(), configFolder, outputs, device);
        } catch (RuntimeException e) {
            folder.close();
            throw e;
        }
    }

    /**
     * A model with a task head from an opened model: a folder, or base ⊕ overlay (then the base's configuration and
     * tokenizer). Takes {@code folder} over: it is closed with the model, or at once when opening fails.
     */
    public static TaskModel open(ModelFolder folder, int outputs, ai.djl.Device device) {
        try {
            Path configFolder = folder.base().map(ModelFolder::path).orElse(folder.path());
            if (!folder.isFolder() && folder.base().isEmpty()) {
                throw new CheckpointException(folder.path(), "is a weights file; evaluating needs a model folder "
                        + "(config.json and a tokenizer) or an overlay on one");
            }
            return open(folder, folder.weights(), configFolder, outputs, device);
        } catch (RuntimeException e) {
            folder.close();
            throw e;
        }
    }

    /**
     * A model from {@code weights} (for instance base ⊕ overlay) with the configuration and tokenizer of the folder
     * {@code configFolder}; {@code owner} is closed with this model and may be null.
     */
    static TaskModel open(ModelFolder owner, Checkpoint weights, Path configFolder, int outputs,
            ai.djl.Device device) {
        Path configFile = configFolder.resolve("config.json");
        if (!java.nio.file.Files.isRegularFile(configFile)) {
            throw new CheckpointException(configFolder, "has no config.json; evaluating needs the model's "
                    + "configuration");
        }
        BertConfig config = BertConfig.read(configFile);
        if (!weights.contains("classifier.weight") || !weights.contains("classifier.bias")) {
            throw new CheckpointException(weights.source(), "has no task head (classifier.weight and "
                    + "classifier.bias); evaluate a fine-tuned model, or train one with finescope train");
        }
        long[] shape = weights.tensor("classifier.weight").shape();
        if (shape.length != 2 || shape[1] != config.hiddenSize()) {
            throw new CheckpointException(weights.source(), "classifier.weight has shape " + Arrays.toString(shape)
                    + ", not [labels, " + config.hiddenSize() + "]");
        }
        if (shape[0] != outputs) {
            throw new CheckpointException(weights.source(), "the task head has " + shape[0] + " output"
                    + (shape[0] == 1 ? "" : "s") + " but the task needs " + outputs);
        }
        TextTokenizer tokenizer = TextTokenizer.forModel(configFolder);
        try {
            BertEncoder encoder = BertEncoder.builder().setCheckpoint(weights)
                    .setConfig(config.withNumLabels(outputs)).optPolicy(TrainingPolicy.headOnly())
                    .optDevice(device).build();
            return new TaskModel(owner, encoder, tokenizer);
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }

    /** Refuses to let a derived file land inside the model folder (see {@link ModelFolder#requireOutside}). */
    public void requireOutside(Path target) {
        if (folder != null) {
            folder.requireOutside(target);
        }
    }

    public BertEncoder encoder() {
        return encoder;
    }

    /**
     * Scores a labelled split with batches of {@code batchSize} examples of at most {@code maxLength} tokens, as
     * training's evaluation does.
     */
    public Evaluator.Result evaluate(Split split, int batchSize, int maxLength, List<TaskMetric> metrics) {
        if (maxLength > encoder.config().maxPositions()) {
            throw new IllegalArgumentException("a maximum length of " + maxLength + " is longer than the model's "
                    + encoder.config().maxPositions() + " positions");
        }
        if (!split.isLabelled()) {
            throw new DataException(split.file(), "has examples without labels; scoring needs labels");
        }
        return Evaluator.evaluate(encoder, encode(split, maxLength), batchSize, metrics);
    }

    /** Tokenizes a labelled split once with the model's tokenizer, checking every id against its vocabulary. */
    public EncodedSplit encode(Split split, int maxLength) {
        return EncodedSplit.of(split, tokenizer, maxLength, encoder.config().regression(),
                encoder.config().vocabSize());
    }

    /** Scores several splits. */
    public List<Evaluator.Result> evaluate(List<Split> splits, int batchSize, int maxLength,
            List<TaskMetric> metrics) {
        List<Evaluator.Result> out = new ArrayList<>();
        for (Split s : splits) {
            out.add(evaluate(s, batchSize, maxLength, metrics));
        }
        return out;
    }

    @Override
    public void close() {
        encoder.close();
        tokenizer.close();
        if (folder != null) {
            folder.close();
        }
    }
}
