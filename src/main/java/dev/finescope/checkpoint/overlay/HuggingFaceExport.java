package dev.finescope.checkpoint.overlay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.finescope.checkpoint.Checkpoint;
import dev.finescope.checkpoint.CheckpointException;
import dev.finescope.checkpoint.DType;
import dev.finescope.checkpoint.ModelConfig;
import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.checkpoint.NameMap;
import dev.finescope.checkpoint.SafetensorsWriter;
import dev.finescope.checkpoint.Tensor;
import dev.finescope.common.Progress;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns base ⊕ overlay into a complete Hugging Face folder that {@code transformers} loads as
 * {@code BertForSequenceClassification}, so a task trained in FineScope leaves FineScope without it:
 * {@code model.safetensors} with every tensor that class expects (encoder names under the {@code bert.} prefix,
 * LayerNorm {@code gamma}/{@code beta} as {@code weight}/{@code bias}, the task head as {@code classifier.*};
 * pre-training heads and non-persistent buffers dropped), a {@code config.json} with the base's settings, the
 * architecture and the label names, and the base's tokenizer files. The folder appears only when complete: it is
 * written beside its final place and renamed into it.
 */
public final class HuggingFaceExport {

    public static final String CLASSIFIER_WEIGHT = Overlay.CLASSIFIER_WEIGHT;
    public static final String CLASSIFIER_BIAS = Overlay.CLASSIFIER_BIAS;
    public static final String ARCHITECTURE = "BertForSequenceClassification";
    public static final String WEIGHTS_FILE = "model.safetensors";

    /** Tokenizer files copied from the base folder when it has them. */
    public static final List<String> TOKENIZER_FILES = List.of(ModelFolder.VOCAB_FILE_NAME,
            ModelFolder.TOKENIZER_FILE_NAME, "tokenizer_config.json", "special_tokens_map.json");

    private static final Logger LOGGER = LoggerFactory.getLogger(HuggingFaceExport.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String PREFIX = "bert.";
    private static final String POOLER_WEIGHT = PREFIX + "pooler.dense.weight";
    private static final String POOLER_BIAS = PREFIX + "pooler.dense.bias";

    /** The pooler's scale for a model that has none: see {@link #linearPooler}. */
    static final float POOLER_SCALE = 0x1p-16f;

    /** A config.json key saying that the pooler was made by the export, and how. */
    public static final String POOLER_NOTE_KEY = "finescope_pooler";
    static final String POOLER_NOTE = "made by FineScope's export: the trained model has no pooler (its classifier "
            + "reads the [CLS] state); this pooler, 2^-16 times the identity with no bias, keeps tanh in its linear "
            + "range and the classifier is scaled by 2^16, so the logits are the trained model's";

    /** What an export wrote: the folder, the tensor names in the file, and the base's tensors left out. */
    public record Result(Path folder, List<String> tensors, List<String> dropped) {
        public Result {
            tensors = List.copyOf(tensors);
            dropped = List.copyOf(dropped);
        }
    }

    private HuggingFaceExport() {
    }

    /**
     * Writes base ⊕ {@code overlay} to {@code outFolder}, which must not exist yet or be an empty folder, and must
     * lie outside the base model and differ from every input. Progress counts bytes of the weights file; a cancel
     * throws {@link java.util.concurrent.CancellationException} and leaves nothing behind.
     */
    public static Result export(ModelFolder base, Overlay overlay, Path outFolder, Progress progress) {
        Path out = outFolder.toAbsolutePath().normalize();
        base.requireOutside(out);
        if (same(out, overlay.file())) {
            throw new CheckpointException(outFolder, "is the overlay being exported; choose another place to write");
        }
        checkEmptyOrAbsent(outFolder, out);
        Path parent = out.getParent();
        if (parent == null) {
            throw new CheckpointException(outFolder, "has no parent folder to write beside");
        }
        String type = base.config().modelType();
        if (!type.isEmpty() && !"bert".equals(type)) {
            throw new CheckpointException(base.path(), "is a " + Messages.quote(type) + " model; export writes "
                    + ARCHITECTURE + ", which needs a BERT base");
        }
        Checkpoint model = overlay.apply(base);
        Map<String, String> exported = new LinkedHashMap<>();
        List<String> dropped = new ArrayList<>();
        for (String name : model.tensorNames()) {
            Optional<String> target = exportName(name);
            if (target.isEmpty()) {
                dropped.add(name);
                continue;
            }
            if (exported.containsValue(target.get())) {
                throw new CheckpointException(base.path(), "holds two tensors that both are "
                        + Messages.quote(target.get()) + " for " + ARCHITECTURE + " (one is " + Messages.quote(name)
                        + "); export needs one of each");
            }
            exported.put(name, target.get());
        }
        Map<String, Tensor> byTarget = new LinkedHashMap<>();
        exported.forEach((source, target) -> byTarget.put(target, model.tensor(source)));
        int layers = base.config().numLayers() > 0 ? base.config().numLayers() : countLayers(byTarget);
        boolean noPooler = !byTarget.containsKey(POOLER_WEIGHT) && !byTarget.containsKey(POOLER_BIAS);
        checkComplete(base, overlay, byTarget, layers, noPooler);
        ObjectNode config = config(base, overlay, byTarget);
        Map<String, float[]> made = new LinkedHashMap<>();
        Map<String, long[]> madeShapes = new LinkedHashMap<>();
        if (noPooler) {
            linearPooler(model, exported, byTarget, made, madeShapes);
            config.put(POOLER_NOTE_KEY, POOLER_NOTE);
            LOGGER.info("{} has no pooler: exported with a pooler of 2^-16·I and the classifier scaled by 2^16, "
                    + "which give the logits of the head on [CLS] that was trained", base.label());
        }
        if (!dropped.isEmpty()) {
            LOGGER.info("export leaves out {} tensors that {} does not have: {}", dropped.size(), ARCHITECTURE,
                    dropped);
        }

        Path temp = parent.resolve("." + out.getFileName() + "." + Long.toHexString(RANDOM.nextLong()) + ".tmp");
        boolean done = false;
        try {
            Files.createDirectories(parent);
            Files.createDirectory(temp);
            SafetensorsWriter writer = new SafetensorsWriter();
            writer.metadata("format", "pt");
            writer.metadata(Overlay.BASE_FINGERPRINT_KEY, overlay.baseFingerprint());
            writer.metadata(Overlay.BASE_LABEL_KEY, overlay.baseLabel());
            writer.metadata(Overlay.PROVENANCE_KEY, overlay.metadata().getOrDefault(Overlay.PROVENANCE_KEY, "{}"));
            byTarget.forEach((name, t) -> {
                if (!made.containsKey(name)) {
                    writer.addCopy(name, t);
                }
            });
            made.forEach((name, values) -> writer.addFloats(name, DType.F32, madeShapes.get(name), values));
            writer.write(temp.resolve(WEIGHTS_FILE), progress);
            Files.write(temp.resolve(ModelConfig.CONFIG_FILE_NAME),
                    JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(config));
            for (Path file : tokenizerFiles(base)) {
                Files.copy(file, temp.resolve(file.getFileName().toString()));
            }
            if (Files.isDirectory(out, LinkOption.NOFOLLOW_LINKS)) {
                Files.delete(out); // empty, checked above; a file that appeared since makes this fail
            }
            Files.move(temp, out, StandardCopyOption.ATOMIC_MOVE);
            done = true;
            LOGGER.info("exported {} ⊕ {} to {} ({} tensors)", base.label(), overlay.file().getFileName(), out,
                    byTarget.size());
            List<String> tensors = new ArrayList<>(byTarget.keySet());
            made.keySet().stream().filter(n -> !tensors.contains(n)).forEach(tensors::add);
            return new Result(out, tensors, dropped);
        } catch (DirectoryNotEmptyException e) {
            throw new CheckpointException(outFolder, "is no longer empty; nothing was exported", e);
        } catch (IOException e) {
            throw new CheckpointException(outFolder, "cannot be written: " + e.getMessage(), e);
        } finally {
            if (!done) {
                deleteTree(temp);
            }
        }
    }

    /**
     * The name {@code BertForSequenceClassification} gives tensor {@code name} of a BERT checkpoint, or empty when
     * that class has no such tensor (pre-training heads, position and token-type id buffers, anything unknown).
     */
    public static Optional<String> exportName(String name) {
        if (name.equals(CLASSIFIER_WEIGHT) || name.equals(CLASSIFIER_BIAS)) {
            return Optional.of(name);
        }
        Optional<NameMap.Match> match = NameMap.standard().match(name);
        if (match.isEmpty() || !"bert".equals(match.get().family())) {
            return Optional.empty();
        }
        String stripped = name.startsWith(PREFIX) ? name.substring(PREFIX.length()) : name;
        if (stripped.endsWith(".gamma")) {
            stripped = stripped.substring(0, stripped.length() - ".gamma".length()) + ".weight";
        } else if (stripped.endsWith(".beta")) {
            stripped = stripped.substring(0, stripped.length() - ".beta".length()) + ".bias";
        }
        return Optional.of(PREFIX + stripped);
    }

    /** Every tensor {@code BertForSequenceClassification} has for a model of {@code layers} layers, in its order. */
    public static List<String> expectedNames(int layers) {
        List<String> names = new ArrayList<>();
        for (String e : List.of("word_embeddings.weight", "position_embeddings.weight",
                "token_type_embeddings.weight", "LayerNorm.weight", "LayerNorm.bias")) {
            names.add(PREFIX + "embeddings." + e);
        }
        for (int i = 0; i < layers; i++) {
            String layer = PREFIX + "encoder.layer." + i + ".";
            for (String sub : List.of("attention.self.query", "attention.self.key", "attention.self.value",
                    "attention.output.dense", "attention.output.LayerNorm", "intermediate.dense", "output.dense",
                    "output.LayerNorm")) {
                names.add(layer + sub + ".weight");
                names.add(layer + sub + ".bias");
            }
        }
        names.add(PREFIX + "pooler.dense.weight");
        names.add(PREFIX + "pooler.dense.bias");
        names.add(CLASSIFIER_WEIGHT);
        names.add(CLASSIFIER_BIAS);
        return names;
    }

    private static int countLayers(Map<String, Tensor> byTarget) {
        int max = -1;
        for (String name : byTarget.keySet()) {
            Optional<NameMap.Match> m = NameMap.standard().match(name);
            if (m.isPresent() && m.get().position().row().kind() == dev.finescope.checkpoint.GridRow.Kind.LAYER) {
                max = Math.max(max, m.get().position().row().layer());
            }
        }
        return max + 1;
    }

    /**
     * A model without a pooler (FineScope's BERT then puts the head on the {@code [CLS]} state, as the built-in
     * MiniLM base, a sentence-transformers export, has none) gets the pooler {@code BertForSequenceClassification}
     * always applies, made to pass the state through: weight {@code s·I}, bias 0, with the classifier's weight
     * divided by {@code s}, so that {@code W/s · tanh(s·h) = W·h·(1 − (s·h)²/3 + …)}. With {@code s = 2^-16} and
     * hidden values below 100 the relative change is below 1e-6, under float32 rounding of the logits; scaling by
     * a power of two is exact.
     */
    private static void linearPooler(Checkpoint model, Map<String, String> exported, Map<String, Tensor> byTarget,
            Map<String, float[]> made, Map<String, long[]> shapes) {
        long[] shape = byTarget.get(CLASSIFIER_WEIGHT).shape();
        int hidden = Math.toIntExact(shape[1]);
        float[] pooler = new float[Math.multiplyExact(hidden, hidden)];
        for (int i = 0; i < hidden; i++) {
            pooler[i * hidden + i] = POOLER_SCALE;
        }
        String source = exported.entrySet().stream().filter(e -> e.getValue().equals(CLASSIFIER_WEIGHT))
                .map(Map.Entry::getKey).findFirst().orElseThrow();
        float[] classifier = model.tensor(source).toFloatArray();
        for (int i = 0; i < classifier.length; i++) {
            classifier[i] /= POOLER_SCALE;
            if (!Float.isFinite(classifier[i])) {
                throw new CheckpointException(model.source(), "has a classifier weight too large to export without "
                        + "a pooler (" + classifier[i] * POOLER_SCALE + ")");
            }
        }
        made.put(POOLER_WEIGHT, pooler);
        shapes.put(POOLER_WEIGHT, new long[] {hidden, hidden});
        made.put(POOLER_BIAS, new float[hidden]);
        shapes.put(POOLER_BIAS, new long[] {hidden});
        made.put(CLASSIFIER_WEIGHT, classifier);
        shapes.put(CLASSIFIER_WEIGHT, shape.clone());
    }

    private static void checkComplete(ModelFolder base, Overlay overlay, Map<String, Tensor> byTarget, int layers,
            boolean poolerMade) {
        if (!byTarget.containsKey(CLASSIFIER_WEIGHT) || !byTarget.containsKey(CLASSIFIER_BIAS)) {
            throw new CheckpointException(overlay.file(), "has no task head (" + CLASSIFIER_WEIGHT + ", "
                    + CLASSIFIER_BIAS + ") and neither has its base; there is no classifier to export");
        }
        List<String> missing = new ArrayList<>();
        for (String name : expectedNames(layers)) {
            if (!byTarget.containsKey(name) && !(poolerMade && (name.equals(POOLER_WEIGHT) || name.equals(POOLER_BIAS)))) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            String shown = String.join(", ", missing.subList(0, Math.min(4, missing.size())))
                    + (missing.size() > 4 ? " and " + (missing.size() - 4) + " more" : "");
            throw new CheckpointException(base.path(), "lacks tensors that " + ARCHITECTURE + " needs: " + shown);
        }
        long[] weight = byTarget.get(CLASSIFIER_WEIGHT).shape();
        long[] bias = byTarget.get(CLASSIFIER_BIAS).shape();
        int hidden = base.config().hiddenSize();
        if (weight.length != 2 || bias.length != 1 || weight[0] != bias[0] || weight[0] < 1
                || hidden > 0 && weight[1] != hidden) {
            throw new CheckpointException(overlay.file(), "has a task head of shapes " + Tensor.shapeString(weight)
                    + " and " + Tensor.shapeString(bias) + ", which do not make a classifier over hidden size "
                    + hidden);
        }
        List<String> labels = overlay.labels();
        if (!labels.isEmpty() && labels.size() != weight[0]) {
            throw new CheckpointException(overlay.file(), "names " + labels.size() + " labels, but its classifier has "
                    + weight[0] + " outputs");
        }
    }

    private static ObjectNode config(ModelFolder base, Overlay overlay, Map<String, Tensor> byTarget) {
        ObjectNode config;
        Optional<Path> file = base.configFile();
        if (file.isPresent()) {
            try {
                JsonNode read = JSON.readTree(file.get().toFile());
                if (!(read instanceof ObjectNode object)) {
                    throw new CheckpointException(file.get(), "bad JSON: a model config must be a JSON object");
                }
                config = object;
            } catch (IOException e) {
                throw new CheckpointException(file.get(), "cannot be read: " + e.getMessage(), e);
            }
        } else {
            config = JSON.createObjectNode();
        }
        ModelConfig c = base.config();
        config.put("model_type", "bert");
        putIfAbsent(config, "hidden_size", c.hiddenSize());
        putIfAbsent(config, "num_hidden_layers", c.numLayers());
        putIfAbsent(config, "num_attention_heads", c.numHeads());
        putIfAbsent(config, "intermediate_size", c.intermediateSize());
        putIfAbsent(config, "vocab_size", c.vocabSize());
        putIfAbsent(config, "max_position_embeddings",
                byTarget.get(PREFIX + "embeddings.position_embeddings.weight").shape()[0]);
        putIfAbsent(config, "type_vocab_size",
                byTarget.get(PREFIX + "embeddings.token_type_embeddings.weight").shape()[0]);
        if (!config.has("hidden_act")) {
            config.put("hidden_act", "gelu");
        }
        if (!config.has("layer_norm_eps")) {
            config.put("layer_norm_eps", 1e-12);
        }
        if (!config.has("initializer_range")) {
            config.put("initializer_range", c.initializerRange());
        }
        config.putArray("architectures").add(ARCHITECTURE);
        long outputs = byTarget.get(CLASSIFIER_WEIGHT).shape()[0];
        List<String> labels = new ArrayList<>(overlay.labels());
        if (labels.isEmpty()) {
            for (int i = 0; i < outputs; i++) {
                labels.add("LABEL_" + i);
            }
        }
        ObjectNode id2label = config.putObject("id2label");
        ObjectNode label2id = config.putObject("label2id");
        for (int i = 0; i < labels.size(); i++) {
            id2label.put(Integer.toString(i), labels.get(i));
            label2id.put(labels.get(i), i);
        }
        config.put("num_labels", labels.size());
        config.put("problem_type", labels.size() == 1 ? "regression" : "single_label_classification");
        return config;
    }

    private static void putIfAbsent(ObjectNode config, String key, long value) {
        if (!config.hasNonNull(key) && value > 0) {
            config.put(key, value);
        }
    }

    private static List<Path> tokenizerFiles(ModelFolder base) {
        List<Path> files = new ArrayList<>();
        base.vocab().ifPresent(files::add);
        base.tokenizerJson().ifPresent(files::add);
        if (base.isFolder()) {
            for (String name : TOKENIZER_FILES.subList(2, TOKENIZER_FILES.size())) {
                Path p = base.path().resolve(name);
                if (Files.isRegularFile(p)) {
                    files.add(p);
                }
            }
        }
        return files;
    }

    private static void checkEmptyOrAbsent(Path given, Path out) {
        if (!Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (!Files.isDirectory(out, LinkOption.NOFOLLOW_LINKS)) {
            throw new CheckpointException(given, "exists and is not a folder; choose a new or empty folder");
        }
        try (Stream<Path> entries = Files.list(out)) {
            if (entries.findAny().isPresent()) {
                throw new CheckpointException(given, "exists and is not empty; choose a new or empty folder");
            }
        } catch (IOException e) {
            throw new CheckpointException(given, "cannot be listed: " + e.getMessage(), e);
        }
    }

    private static boolean same(Path a, Path b) {
        try {
            return Files.exists(a) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOGGER.warn("could not delete the unfinished export {}", root, e);
        }
    }
}
