package dev.finescope.whatif;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.finescope.analysis.LinearCka;
import dev.finescope.checkpoint.Checkpoint;
import dev.finescope.checkpoint.CheckpointException;
import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.checkpoint.Tensor;
import dev.finescope.checkpoint.UserDirectories;
import dev.finescope.checkpoint.overlay.Models;
import dev.finescope.common.AtomicFiles;
import dev.finescope.common.Progress;
import dev.finescope.train.BertConfig;
import dev.finescope.train.BertEncoder;
import dev.finescope.train.BertOutput;
import dev.finescope.train.EncodedSplit;
import dev.finescope.train.GradientRecording;
import dev.finescope.train.TaskData;
import dev.finescope.train.TextTokenizer;
import dev.finescope.train.TrainingPolicy;
import dev.finescope.train.data.DataException;
import dev.finescope.train.data.Split;
import dev.finescope.train.data.Task;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CancellationException;

/**
 * Per-layer linear CKA ({@link LinearCka}) between the hidden states of two models on the same sentences: layer 0 is
 * the embeddings' output, layer i the output of encoder layer i; once on the {@code [CLS]} token and once on the
 * mean over each sentence's real tokens (padding left out). Beside it, the relative L2 distance of the layer's
 * weights: ‖A − B‖ / ‖B‖ over the layer's matrices together (the six dense matrices of an encoder layer; the word,
 * position and token-type embedding matrices for layer 0), B being the second model.
 *
 * <p>The sentences are the first {@code maxExamples} of the split in file order, tokenized with the first model's
 * tokenizer and run in batches of {@link #BATCH} without dropout. Results are cached in the per-user cache, keyed by
 * both models' input files (path, size, modification time), the split's SHA-256, the task, the number of examples
 * and the maximum length.
 */
public final class RepresentationCka {

    static final int BATCH = 32;
    private static final String HEADER = "layer,cka_cls,cka_mean,weight_rel_l2";

    /**
     * What to compare.
     *
     * @param model       a model folder, or an overlay (opened on the base it names)
     * @param against     the second model; null: the first model's own base
     * @param data        a GLUE folder, the task's folder, or one labelled file
     * @param task        the GLUE task name
     * @param split       the split's name ({@code dev})
     * @param maxExamples the first sentences of the split; at least 2
     * @param maxLength   tokens per sentence at most
     */
    public record Spec(Path model, Path against, Path data, String task, String split, int maxExamples,
                       int maxLength) {
        public Spec {
            if (maxExamples < 2) {
                throw new IllegalArgumentException("CKA needs at least 2 sentences, not " + maxExamples);
            }
            if (maxLength < 2) {
                throw new IllegalArgumentException("the maximum length must be at least 2 tokens, not " + maxLength);
            }
        }
    }

    /** One layer's numbers; {@code weightDistance} is NaN when the layer has no matrices in common. */
    public record Layer(int layer, double ckaCls, double ckaMean, double weightDistance) {
    }

    /**
     * The comparison.
     *
     * @param first     the first model's name
     * @param second    the second model's name
     * @param examples  the sentences used
     * @param layers    layer 0 (embeddings) … L
     * @param fromCache whether the numbers were read from the cache
     */
    public record Result(String first, String second, int examples, List<Layer> layers, boolean fromCache) {
    }

    private RepresentationCka() {
    }

    /** Computes (or reads from the per-user cache) the per-layer CKA of {@code spec}. */
    public static Result compute(Spec spec, Progress progress) {
        return compute(spec, progress, UserDirectories.cache().resolve("cka"));
    }

    /**
     * As {@link #compute(Spec, Progress)} with the cache in {@code cacheFolder}.
     *
     * @throws CheckpointException        naming a model that cannot be used
     * @throws IllegalArgumentException   naming the data that cannot be used, or for mismatched models
     * @throws CancellationException      when the progress asks to stop
     */
    public static Result compute(Spec spec, Progress progress, Path cacheFolder) {
        GradientRecording.offOnThisThread();
        Task task = Task.fromName(spec.task()).orElseThrow(() -> new IllegalArgumentException("unknown GLUE task '"
                + spec.task() + "' (one of CoLA, SST-2, MRPC, STS-B, QQP, MNLI, QNLI, RTE, WNLI)"));
        progress.update(0, 1, "opening " + spec.model());
        try (ModelFolder first = Models.open(spec.model());
             ModelFolder own = spec.against() == null ? null : Models.open(spec.against())) {
            ModelFolder second = own != null ? own : first.base().orElseThrow(() -> new CheckpointException(
                    spec.model(), "has no base to compare with; give the second model"));
            Split split = readSplit(spec, task);
            String key = key(spec, first, second, split);
            Path cached = cacheFolder.resolve(key + ".csv");
            List<Layer> layers = readCache(cached);
            if (layers != null) {
                progress.update(1, 1, "read from the cache");
                return new Result(labelOf(first), labelOf(second), split.size(), layers, true);
            }
            Path configFolder = configFolder(first);
            BertConfig config = BertConfig.read(configFolder.resolve("config.json"));
            BertConfig otherConfig = BertConfig.read(configFolder(second).resolve("config.json"));
            if (config.numLayers() != otherConfig.numLayers()) {
                throw new IllegalArgumentException(spec.model() + " has " + config.numLayers() + " layers but "
                        + second.path() + " has " + otherConfig.numLayers());
            }
            float[][][][] a;
            float[][][][] b;
            try (TextTokenizer tokenizer = TextTokenizer.forModel(configFolder)) {
                EncodedSplit encoded;
                try {
                    encoded = EncodedSplit.of(split, tokenizer, spec.maxLength(), task.isRegression(),
                            Math.min(config.vocabSize(), otherConfig.vocabSize()));
                } catch (DataException e) {
                    throw new IllegalArgumentException(e.getMessage(), e);
                }
                int batches = (encoded.size() + BATCH - 1) / BATCH;
                a = states(first, config, encoded, progress, 0, 2 * batches);
                b = states(second, otherConfig, encoded, progress, batches, 2 * batches);
            }
            double[] distance = weightDistances(first.weights(), second.weights(), config.numLayers());
            layers = new ArrayList<>();
            for (int l = 0; l <= config.numLayers(); l++) {
                layers.add(new Layer(l, LinearCka.of(a[0][l], b[0][l]), LinearCka.of(a[1][l], b[1][l]),
                        distance[l]));
            }
            writeCache(cached, layers);
            progress.update(1, 1, "done");
            return new Result(labelOf(first), labelOf(second), split.size(), List.copyOf(layers), false);
        }
    }

    private static Split readSplit(Spec spec, Task task) {
        List<Split> splits;
        try {
            splits = TaskData.readForEvaluation(spec.data(), task, spec.split());
        } catch (DataException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        Split s = splits.get(0);
        if (s.size() < 2) {
            throw new IllegalArgumentException(s.file() + ": CKA needs at least 2 sentences, the split has "
                    + s.size());
        }
        if (spec.maxExamples() < s.size()) {
            s = new Split(s.name(), s.file(), s.sha256(), s.labels(), s.examples().subList(0, spec.maxExamples()),
                    s.problems(), s.problemCount());
        }
        return s;
    }

    private static Path configFolder(ModelFolder folder) {
        Path p = folder.base().map(ModelFolder::path).orElse(folder.path());
        if (!Files.isRegularFile(p.resolve("config.json"))) {
            throw new CheckpointException(p, "has no config.json; comparing representations needs the model's "
                    + "configuration (a model folder, or an overlay on one)");
        }
        return p;
    }

    /**
     * [CLS] states ({@code [0]}) and mask-aware mean-pooled states ({@code [1]}) per layer boundary, per sentence in
     * file order: {@code [kind][layer][sentence][hidden]}.
     */
    private static float[][][][] states(ModelFolder folder, BertConfig config, EncodedSplit encoded,
            Progress progress, int batchesBefore, int totalBatches) {
        int n = encoded.size();
        int boundaries = config.numLayers() + 1;
        float[][][][] out = new float[2][boundaries][n][];
        try (BertEncoder encoder = BertEncoder.builder().setCheckpoint(folder.weights()).setConfig(config)
                .optPolicy(TrainingPolicy.headOnly()).optDevice(Device.cpu()).build()) {
            int batch = 0;
            for (int from = 0; from < n; from += BATCH) {
                if (progress.isCancelled()) {
                    throw new CancellationException("stopped");
                }
                int[] indices = new int[Math.min(BATCH, n - from)];
                for (int k = 0; k < indices.length; k++) {
                    indices[k] = from + k;
                }
                try (NDManager scope = encoder.newScope()) {
                    dev.finescope.train.TokenBatch tokens = encoded.batch(indices);
                    BertOutput output = encoder.forward(scope, tokens, false);
                    NDArray mask = tokens.attentionMask(scope).toType(DataType.FLOAT32, false)
                            .expandDims(2);
                    NDArray counts = mask.sum(new int[] {1});
                    for (int l = 0; l < boundaries; l++) {
                        NDArray h = output.hiddenStates().get(l);
                        float[] cls = h.get(":, 0, :").toFloatArray();
                        float[] mean = h.mul(mask).sum(new int[] {1}).div(counts).toFloatArray();
                        int width = (int) h.getShape().get(2);
                        for (int k = 0; k < indices.length; k++) {
                            out[0][l][indices[k]] = java.util.Arrays.copyOfRange(cls, k * width, (k + 1) * width);
                            out[1][l][indices[k]] = java.util.Arrays.copyOfRange(mean, k * width, (k + 1) * width);
                        }
                    }
                }
                batch++;
                progress.update(batchesBefore + batch, totalBatches, labelOf(folder) + ": batch " + batch);
            }
        }
        return out;
    }

    /** Relative L2 distance of each layer's matrices, {@code ‖a − b‖ / ‖b‖}; index 0 = the embeddings. */
    static double[] weightDistances(Checkpoint a, Checkpoint b, int layers) {
        String pa = prefixOf(a);
        String pb = prefixOf(b);
        double[] diff = new double[layers + 1];
        double[] norm = new double[layers + 1];
        boolean[] seen = new boolean[layers + 1];
        for (String full : b.tensorNames()) {
            String name = full.startsWith(pb) ? full.substring(pb.length()) : full;
            int layer = layerOf(name);
            if (layer < 0 || layer > layers || !name.endsWith(".weight") || !a.contains(pa + name)) {
                continue;
            }
            Tensor tb = b.tensor(full);
            Tensor ta = a.tensor(pa + name);
            if (tb.shape().length != 2 || !java.util.Arrays.equals(ta.shape(), tb.shape())) {
                continue;
            }
            float[] x = ta.toFloatArray();
            float[] y = tb.toFloatArray();
            for (int i = 0; i < y.length; i++) {
                double d = (double) x[i] - y[i];
                diff[layer] += d * d;
                norm[layer] += (double) y[i] * y[i];
            }
            seen[layer] = true;
        }
        double[] out = new double[layers + 1];
        for (int l = 0; l <= layers; l++) {
            out[l] = seen[l] && norm[l] > 0 ? Math.sqrt(diff[l]) / Math.sqrt(norm[l]) : Double.NaN;
        }
        return out;
    }

    /** 0 for {@code embeddings.*}, i + 1 for {@code encoder.layer.i.*}, −1 for anything else. */
    private static int layerOf(String name) {
        if (name.startsWith("embeddings.")) {
            return 0;
        }
        String prefix = "encoder.layer.";
        if (name.startsWith(prefix)) {
            int dot = name.indexOf('.', prefix.length());
            try {
                return Integer.parseInt(name.substring(prefix.length(), dot)) + 1;
            } catch (RuntimeException e) {
                return -1;
            }
        }
        return -1;
    }

    private static String prefixOf(Checkpoint weights) {
        return weights.contains("bert.embeddings.word_embeddings.weight") ? "bert." : "";
    }

    private static String labelOf(ModelFolder folder) {
        return Models.displayName(folder);
    }

    private static String key(Spec spec, ModelFolder first, ModelFolder second, Split split) {
        StringBuilder s = new StringBuilder("linear-cka v1\n");
        for (ModelFolder f : new ModelFolder[] {first, second}) {
            List<ModelFolder> parts = f.base().map(base -> List.of(f, base)).orElse(List.of(f));
            for (ModelFolder part : parts) {
                for (Path p : part.inputFiles()) {
                    s.append(fileStamp(p)).append('\n');
                }
            }
            s.append("--\n");
        }
        s.append(spec.task().toLowerCase(Locale.ROOT)).append('\n').append(split.sha256()).append('\n')
                .append(split.size()).append('\n').append(spec.maxLength()).append('\n');
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(s.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String fileStamp(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        try {
            return abs + " " + Files.size(abs) + " " + Files.getLastModifiedTime(abs).toMillis();
        } catch (IOException e) {
            return abs.toString();
        }
    }

    private static List<Layer> readCache(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
                return null;
            }
            List<Layer> out = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split(",");
                out.add(new Layer(Integer.parseInt(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                        Double.parseDouble(f[3])));
            }
            return List.copyOf(out);
        } catch (IOException | RuntimeException e) {
            return null; // an unreadable cache entry is computed again
        }
    }

    private static void writeCache(Path file, List<Layer> layers) {
        StringBuilder s = new StringBuilder(HEADER).append('\n');
        for (Layer l : layers) {
            s.append(l.layer()).append(',').append(l.ckaCls()).append(',').append(l.ckaMean()).append(',')
                    .append(l.weightDistance()).append('\n');
        }
        try {
            Files.createDirectories(file.getParent());
            AtomicFiles.write(file, s.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            // the cache is a convenience: the numbers are still returned
        }
    }
}
