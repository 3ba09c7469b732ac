package dev.finescope.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The shape of a BERT-family model, read from {@code config.json} or inferred from the tensors when a single
 * weights file is opened. Charts need the number of layers, training needs heads and sizes, and a user who
 * opens a bare weights file should still get a working model: so a config always exists, and
 * {@link #inferred()} says when it was guessed from shapes rather than read. A value of 0 means unknown.
 */
public record ModelConfig(
        String modelType,
        int hiddenSize,
        int numLayers,
        int numHeads,
        int intermediateSize,
        int vocabSize,
        double initializerRange,
        boolean inferred) {

    /** BERT's initialisation: normal with this standard deviation, when a config does not say. */
    public static final double DEFAULT_INITIALIZER_RANGE = 0.02;

    /** The width of one attention head in every BERT-family model FineScope knows. */
    public static final int HEAD_SIZE = 64;

    public static final String CONFIG_FILE_NAME = "config.json";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_CONFIG_BYTES = 16L << 20;

    /**
     * Reads a Hugging Face {@code config.json}; DistilBERT's own spellings ({@code dim}, {@code n_layers},
     * {@code n_heads}, {@code hidden_dim}) are understood. A size the file lacks is 0.
     */
    public static ModelConfig read(Path configJson) {
        JsonNode root;
        try {
            if (Files.size(configJson) > MAX_CONFIG_BYTES) {
                throw new CheckpointException(configJson, "is over 16 MB, too large for a model config");
            }
            root = JSON.readTree(configJson.toFile());
        } catch (NoSuchFileException e) {
            throw new CheckpointException(configJson, "does not exist", e);
        } catch (JsonProcessingException e) {
            String message = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().lines().findFirst().orElse("");
            String line = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
            throw new CheckpointException(configJson, "bad JSON: " + message + line, e);
        } catch (IOException e) {
            throw new CheckpointException(configJson, "cannot be read: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new CheckpointException(configJson, "bad JSON: a model config must be a JSON object");
        }
        String type = root.path("model_type").isTextual() ? root.get("model_type").textValue() : "";
        boolean distil = "distilbert".equals(type);
        return new ModelConfig(
                type,
                size(configJson, root, distil, "hidden_size", "dim"),
                size(configJson, root, distil, "num_hidden_layers", "n_layers"),
                size(configJson, root, distil, "num_attention_heads", "n_heads"),
                size(configJson, root, distil, "intermediate_size", "hidden_dim"),
                size(configJson, root, false, "vocab_size", null),
                range(configJson, root),
                false);
    }

    private static int size(Path file, JsonNode root, boolean distilFirst, String name, String distilName) {
        String first = distilFirst && distilName != null ? distilName : name;
        String second = first.equals(name) ? distilName : name;
        String used = root.has(first) ? first : second != null && root.has(second) ? second : null;
        if (used == null || root.get(used).isNull()) {
            return 0;
        }
        JsonNode v = root.get(used);
        if (!v.isIntegralNumber()) {
            throw new CheckpointException(file, used + " is not a whole number: " + v);
        }
        if (!v.canConvertToInt()) {
            throw new CheckpointException(file, used + " " + v + " is too large: at most " + Integer.MAX_VALUE);
        }
        if (v.intValue() <= 0) {
            throw new CheckpointException(file, used + " must be positive, not " + v.intValue());
        }
        return v.intValue();
    }

    private static double range(Path file, JsonNode root) {
        JsonNode v = root.get("initializer_range");
        if (v == null || v.isNull()) {
            return DEFAULT_INITIALIZER_RANGE;
        }
        if (!v.isNumber() || !(v.doubleValue() > 0) || Double.isInfinite(v.doubleValue())) {
            throw new CheckpointException(file, "initializer_range must be a positive number, not " + v);
        }
        return v.doubleValue();
    }

    /**
     * Guesses the config of a checkpoint from its tensors: layers from the highest layer index, hidden size from
     * a query matrix (or the word embeddings' second dimension), vocabulary from the word embeddings' first,
     * intermediate size from the feed-forward input matrix, heads as hidden / 64 when that divides, else 1.
     */
    public static ModelConfig infer(Checkpoint checkpoint, NameMap names) {
        long[] word = null;
        long[] query = null;
        long[] ffnIn = null;
        boolean ffnTransposed = false;
        int maxLayer = -1;
        for (String n : checkpoint.tensorNames()) {
            Optional<NameMap.Match> match = names.match(n);
            if (match.isEmpty() || !match.get().position().isWeight()) {
                continue;
            }
            GridPosition p = match.get().position();
            if (p.row().kind() == GridRow.Kind.LAYER) {
                maxLayer = Math.max(maxLayer, p.row().layer());
            }
            switch (p.column()) {
                case WORD -> word = word == null ? checkpoint.tensor(n).shape() : word;
                case Q -> query = query == null ? checkpoint.tensor(n).shape() : query;
                case FFN_IN -> {
                    if (ffnIn == null) {
                        ffnIn = checkpoint.tensor(n).shape();
                        ffnTransposed = match.get().storedTransposed();
                    }
                }
                default -> {
                }
            }
        }
        if (word == null && maxLayer < 0) {
            throw new CheckpointException(checkpoint.source(), "does not look like a BERT-family model: "
                    + "no word embeddings and no encoder layer found among " + checkpoint.tensorNames().size()
                    + " tensors");
        }
        int hidden = 0;
        if (query != null && query.length == 2) {
            hidden = toInt(query[0]);
        } else if (word != null && word.length == 2) {
            hidden = toInt(word[1]);
        }
        int vocab = word != null && word.length == 2 ? toInt(word[0]) : 0;
        int intermediate = 0;
        if (ffnIn != null && ffnIn.length == 2) {
            intermediate = toInt(ffnTransposed ? ffnIn[1] : ffnIn[0]);
        }
        int heads = hidden > 0 && hidden % HEAD_SIZE == 0 ? hidden / HEAD_SIZE : 1;
        return new ModelConfig(family(checkpoint, names), hidden, maxLayer + 1, heads, intermediate, vocab,
                DEFAULT_INITIALIZER_RANGE, true);
    }

    private static int toInt(long v) {
        return v > Integer.MAX_VALUE ? 0 : (int) v;
    }

    private static String family(Checkpoint checkpoint, NameMap names) {
        String best = "bert";
        int bestCount = 0;
        for (Map.Entry<String, Integer> e : names.familyCounts(checkpoint.tensorNames()).entrySet()) {
            if (!e.getKey().equals("head") && e.getValue() > bestCount) {
                best = e.getKey();
                bestCount = e.getValue();
            }
        }
        return best.equals("tf-bert") ? "bert" : best;
    }

    /** This config with every unknown (0 or empty) value taken from {@code other}, for instance inferred ones. */
    public ModelConfig withUnknownsFrom(ModelConfig other) {
        return new ModelConfig(
                modelType.isEmpty() ? other.modelType : modelType,
                hiddenSize > 0 ? hiddenSize : other.hiddenSize,
                numLayers > 0 ? numLayers : other.numLayers,
                numHeads > 0 ? numHeads : other.numHeads,
                intermediateSize > 0 ? intermediateSize : other.intermediateSize,
                vocabSize > 0 ? vocabSize : other.vocabSize,
                initializerRange,
                inferred);
    }

    /** True when any size is still unknown. */
    public boolean hasUnknowns() {
        return modelType.isEmpty() || hiddenSize == 0 || numLayers == 0 || numHeads == 0 || intermediateSize == 0
                || vocabSize == 0;
    }

    /** One line for people: "bert: 12 layers, hidden 768, 12 heads, intermediate 3072, vocabulary 30522". */
    public String describe() {
        return (modelType.isEmpty() ? "unknown type" : modelType) + ": " + numLayers + " layers, hidden "
                + hiddenSize + ", " + numHeads + " heads, intermediate " + intermediateSize + ", vocabulary "
                + vocabSize + (inferred ? " (inferred from tensor shapes)" : "");
    }
}
