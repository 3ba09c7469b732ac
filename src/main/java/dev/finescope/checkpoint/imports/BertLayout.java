package dev.finescope.checkpoint.imports;


import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What every BERT-family checkpoint shares, whatever format it came in: the order of its tensors, and the
 * configuration its shapes imply. Importers use it to write tensors in the order Hugging Face writes them and
 * to fill {@code config.json} when the source has none.
 */
final class BertLayout {

    private static final Pattern LAYER = Pattern.compile("(?:^|\\.)encoder\\.layer\\.(\\d+)\\.");

    private static final List<String> TOP_ORDER = List.of(
            "embeddings.word_embeddings.", "embeddings.position_embeddings.", "embeddings.token_type_embeddings.",
            "embeddings.LayerNorm.", "encoder.layer.", "pooler.dense.", "cls.predictions.bias",
            "cls.predictions.transform.dense.", "cls.predictions.transform.LayerNorm.", "cls.predictions.decoder.",
            "cls.seq_relationship.");

    private static final List<String> LAYER_ORDER = List.of(
            "attention.self.query.", "attention.self.key.", "attention.self.value.", "attention.output.dense.",
            "attention.output.LayerNorm.", "intermediate.dense.", "output.dense.", "output.LayerNorm.");

    /** Hugging Face's order: embeddings, layers by number (sublayers in forward order), pooler, heads. */
    static final Comparator<String> ORDER = Comparator
            .comparingInt(BertLayout::topRank)
            .thenComparingInt(BertLayout::layerIndex)
            .thenComparingInt(BertLayout::sublayerRank)
            .thenComparingInt(n -> n.endsWith(".bias") ? 1 : 0)
            .thenComparing(Comparator.naturalOrder());

    /** Gelu and LayerNorm epsilon of the original BERT, used when a source does not say. */
    static final double DEFAULT_LAYER_NORM_EPS = 1e-12;

    private BertLayout() {
    }

    private static String stripModelPrefix(String name) {
        return name.startsWith("bert.") ? name.substring(5) : name;
    }

    private static int topRank(String name) {
        String n = stripModelPrefix(name);
        for (int i = 0; i < TOP_ORDER.size(); i++) {
            if (n.startsWith(TOP_ORDER.get(i))) {
                return i;
            }
        }
        return TOP_ORDER.size();
    }

    static int layerIndex(String name) {
        Matcher m = LAYER.matcher(name);
        if (!m.find()) {
            return -1;
        }
        try {
            return Integer.parseInt(m.group(1));
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }

    private static int sublayerRank(String name) {
        Matcher m = LAYER.matcher(name);
        if (!m.find()) {
            return 0;
        }
        String rest = name.substring(m.end());
        for (int i = 0; i < LAYER_ORDER.size(); i++) {
            if (rest.startsWith(LAYER_ORDER.get(i))) {
                return i;
            }
        }
        return LAYER_ORDER.size();
    }

    /** The tensor whose name, without a model prefix such as {@code bert.}, is {@code suffix}. */
    static Optional<ImportedTensor> find(List<ImportedTensor> tensors, String suffix) {
        for (ImportedTensor t : tensors) {
            if (stripModelPrefix(t.name()).equals(suffix)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /**
     * Fills Hugging Face's BERT {@code config.json} from the tensors' shapes and what the source told
     * ({@code heads}, {@code layerNormEps}, {@code hiddenAct}); checks that the encoder matrices have the shapes
     * those values imply, which catches a wrong transposition or a misnamed matrix.
     */
    static Map<String, Object> config(Path file, List<ImportedTensor> tensors, int heads, double layerNormEps,
                                      String hiddenAct, String architecture) {
        int hidden = hiddenSize(file, tensors);
        int vocab = (int) find(tensors, "embeddings.word_embeddings.weight").get().shape()[0];
        int layers = 0;
        for (ImportedTensor t : tensors) {
            int l = layerIndex(t.name());
            if (l == Integer.MAX_VALUE) {
                throw ImportProblems.of(file, "layer number out of range in " + t.name());
            }
            layers = Math.max(layers, l + 1);
        }
        int ffn = rows(file, tensors, "encoder.layer.0.intermediate.dense.weight", 0);
        int maxPositions = rows(file, tensors, "embeddings.position_embeddings.weight", 512);
        int typeVocab = rows(file, tensors, "embeddings.token_type_embeddings.weight", 2);
        if (heads <= 0 || hidden % heads != 0) {
            throw ImportProblems.of(file, "cannot use " + heads + " attention heads for hidden size " + hidden);
        }
        for (int l = 0; l < layers; l++) {
            String p = "encoder.layer." + l + ".";
            expectShape(file, tensors, p + "attention.self.query.weight", hidden, hidden);
            expectShape(file, tensors, p + "attention.self.key.weight", hidden, hidden);
            expectShape(file, tensors, p + "attention.self.value.weight", hidden, hidden);
            expectShape(file, tensors, p + "attention.output.dense.weight", hidden, hidden);
            expectShape(file, tensors, p + "intermediate.dense.weight", ffn, hidden);
            expectShape(file, tensors, p + "output.dense.weight", hidden, ffn);
        }
        Map<String, Object> c = new TreeMap<>();
        c.put("architectures", List.of(architecture));
        c.put("attention_probs_dropout_prob", 0.1);
        c.put("hidden_act", hiddenAct);
        c.put("hidden_dropout_prob", 0.1);
        c.put("hidden_size", hidden);
        c.put("initializer_range", 0.02);
        c.put("intermediate_size", ffn);
        c.put("layer_norm_eps", layerNormEps);
        c.put("max_position_embeddings", maxPositions);
        c.put("model_type", "bert");
        c.put("num_attention_heads", heads);
        c.put("num_hidden_layers", layers);
        c.put("pad_token_id", 0);
        c.put("position_embedding_type", "absolute");
        c.put("type_vocab_size", typeVocab);
        c.put("vocab_size", vocab);
        return c;
    }

    /** The hidden size: the width of the word embeddings {@code [vocab, hidden]}, which every BERT has. */
    static int hiddenSize(Path file, List<ImportedTensor> tensors) {
        ImportedTensor word = find(tensors, "embeddings.word_embeddings.weight").orElseThrow(
                () -> ImportProblems.of(file, "no word embeddings (embeddings.word_embeddings.weight) found:"
                        + " is this a BERT-family model?"));
        long[] ws = word.shape();
        if (ws.length != 2 || ws[0] < 1 || ws[1] < 1 || ws[0] > Integer.MAX_VALUE || ws[1] > Integer.MAX_VALUE) {
            throw ImportProblems.of(file, "word embeddings have shape " + Arrays.toString(ws)
                    + ", expected [vocab, hidden]");
        }
        return (int) ws[1];
    }

    /** The first dimension of a 2-D tensor, or {@code absent} when there is no such tensor. */
    private static int rows(Path file, List<ImportedTensor> tensors, String suffix, int absent) {
        Optional<ImportedTensor> t = find(tensors, suffix);
        if (t.isEmpty()) {
            return absent;
        }
        long[] s = t.get().shape();
        if (s.length != 2 || s[0] < 1 || s[0] > Integer.MAX_VALUE) {
            throw ImportProblems.of(file, t.get().name() + " has shape " + Arrays.toString(s)
                    + ", expected a matrix");
        }
        return (int) s[0];
    }

    private static void expectShape(Path file, List<ImportedTensor> tensors, String suffix, long rows, long cols) {
        ImportedTensor t = find(tensors, suffix).orElseThrow(
                () -> ImportProblems.of(file, "missing tensor " + suffix));
        long[] s = t.shape();
        if (s.length != 2 || s[0] != rows || s[1] != cols) {
            throw ImportProblems.of(file, t.name() + " has shape " + Arrays.toString(s) + " (from "
                    + t.sourceName() + "), expected [" + rows + ", " + cols + "]");
        }
    }

    /** A float written by a float32 graph as the short decimal a person wrote (9.99999996e-13 → 1e-12). */
    static double shortest(float f) {
        return Double.parseDouble(Float.toString(f));
    }
}
