package dev.finescope.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.finescope.checkpoint.CheckpointException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What the forward pass needs to know about a BERT model beyond its tensors: the shared {@code ModelConfig}
 * describes a model for analysis, while training also needs the LayerNorm epsilon, the activation, dropout
 * rates and the task head's size, all read from the model's {@code config.json} with transformers' defaults.
 *
 * @param numLabels outputs of the task head; 1 means regression (STS-B)
 */
public record BertConfig(
        int vocabSize,
        int hiddenSize,
        int numLayers,
        int numHeads,
        int intermediateSize,
        int maxPositions,
        int typeVocabSize,
        double layerNormEps,
        String hiddenAct,
        double hiddenDropout,
        double attentionDropout,
        double initializerRange,
        int numLabels) {

    public BertConfig {
        if (hiddenSize <= 0 || numLayers < 0 || numHeads <= 0 || intermediateSize <= 0 || vocabSize <= 0
                || maxPositions <= 0 || numLabels <= 0) {
            throw new IllegalArgumentException("sizes must be positive: " + describe(vocabSize, hiddenSize,
                    numLayers, numHeads, intermediateSize, maxPositions, numLabels));
        }
        if (hiddenSize % numHeads != 0) {
            throw new IllegalArgumentException("hidden_size " + hiddenSize + " is not a multiple of "
                    + "num_attention_heads " + numHeads);
        }
        if (!"gelu".equals(hiddenAct)) {
            throw new IllegalArgumentException("hidden_act '" + hiddenAct + "' is not supported (only the exact "
                    + "erf 'gelu' of BERT)");
        }
        if (!(layerNormEps > 0) || hiddenDropout < 0 || hiddenDropout >= 1 || attentionDropout < 0
                || attentionDropout >= 1) {
            throw new IllegalArgumentException("layer_norm_eps must be positive and dropout rates in [0, 1)");
        }
    }

    private static String describe(int v, int h, int l, int a, int i, int p, int n) {
        return String.format(Locale.ROOT, "vocab %d, hidden %d, layers %d, heads %d, intermediate %d, "
                + "positions %d, labels %d", v, h, l, a, i, p, n);
    }

    public int headDim() {
        return hiddenSize / numHeads;
    }

    public boolean regression() {
        return numLabels == 1;
    }

    /** The same configuration with another number of task outputs (a new head for a task). */
    public BertConfig withNumLabels(int labels) {
        return new BertConfig(vocabSize, hiddenSize, numLayers, numHeads, intermediateSize, maxPositions,
                typeVocabSize, layerNormEps, hiddenAct, hiddenDropout, attentionDropout, initializerRange, labels);
    }

    /** The same configuration without dropout, for deterministic checks. */
    public BertConfig withoutDropout() {
        return new BertConfig(vocabSize, hiddenSize, numLayers, numHeads, intermediateSize, maxPositions,
                typeVocabSize, layerNormEps, hiddenAct, 0, 0, initializerRange, numLabels);
    }

    /** Reads a Hugging Face {@code config.json}; a {@link CheckpointException} names the file on any problem. */
    public static BertConfig read(Path configJson) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readAllBytes(configJson));
        } catch (IOException e) {
            throw new CheckpointException(configJson, "cannot read the model configuration: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new CheckpointException(configJson, "the model configuration is not a JSON object");
        }
        try {
            int labels;
            if (root.hasNonNull("num_labels")) {
                labels = root.get("num_labels").asInt();
            } else if (root.has("id2label") && root.get("id2label").isObject() && root.get("id2label").size() > 0) {
                labels = root.get("id2label").size();
            } else {
                labels = 2;
            }
            if ("regression".equals(root.path("problem_type").asText(""))) {
                labels = 1;
            }
            return new BertConfig(
                    required(root, "vocab_size", configJson),
                    required(root, "hidden_size", configJson),
                    required(root, "num_hidden_layers", configJson),
                    required(root, "num_attention_heads", configJson),
                    required(root, "intermediate_size", configJson),
                    root.path("max_position_embeddings").asInt(512),
                    root.path("type_vocab_size").asInt(2),
                    root.path("layer_norm_eps").asDouble(1e-12),
                    root.path("hidden_act").asText("gelu"),
                    root.path("hidden_dropout_prob").asDouble(0.1),
                    root.path("attention_probs_dropout_prob").asDouble(0.1),
                    root.path("initializer_range").asDouble(0.02),
                    labels);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(configJson, e.getMessage(), e);
        }
    }

    private static int required(JsonNode root, String key, Path file) {
        JsonNode n = root.get(key);
        if (n == null || !n.canConvertToInt()) {
            throw new CheckpointException(file, "the model configuration has no integer '" + key + "'");
        }
        return n.asInt();
    }
}
