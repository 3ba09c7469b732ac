package dev.finescope.whatif;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.finescope.checkpoint.Checkpoint;
import dev.finescope.checkpoint.CheckpointException;
import dev.finescope.checkpoint.Checkpoints;
import dev.finescope.checkpoint.ModelFolder;
import dev.finescope.checkpoint.Tensor;
import dev.finescope.checkpoint.overlay.Models;
import dev.finescope.checkpoint.overlay.Overlay;
import dev.finescope.common.Progress;
import dev.finescope.train.BertEncoder;
import dev.finescope.train.BertOutput;
import dev.finescope.train.EncodedSplit;
import dev.finescope.train.Evaluator;
import dev.finescope.train.GradientRecording;
import dev.finescope.train.ModelParameter;
import dev.finescope.train.TaskData;
import dev.finescope.train.TaskModel;
import dev.finescope.train.TokenBatch;
import dev.finescope.train.data.DataException;
import dev.finescope.train.data.GlueMetrics;
import dev.finescope.train.data.Split;
import dev.finescope.train.data.Task;
import dev.finescope.train.data.TaskMetric;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model with a task head, its evaluation split tokenized and batched once, and (when the spec asks) the hidden
 * states at each layer's input cached per batch. Experiments run in-process against one session: a process per
 * experiment would tokenize again and throw the cache away, which is most of what makes a sweep fast.
 *
 * <p>Examples are sorted by length once and cut into fixed batches padded to their own longest (dynamic padding),
 * so a batch of short sentences costs little and the cached states of every batch line up with every later
 * evaluation. An evaluation whose edits start at layer L runs only layers L … end, the pooler and the head, from
 * the cached input of layer L.
 *
 * <p>Edits change the weights in place and are undone exactly after each evaluation (the unedited values are kept
 * once per tensor and copied back), so evaluations are independent of each other and of their order. A session
 * is not meant for concurrent use; its methods are synchronized so that a second caller waits.
 */
public final class WhatIfSession implements AutoCloseable {

    private static final Logger LOGGER = LoggerFactory.getLogger(WhatIfSession.class);
    private static final String LAYER_PREFIX = "encoder.layer.";
    /** Magnitude orders kept for reuse: a sweep prunes one matrix at every sparsity in a row. */
    private static final int KEPT_ORDERS = 8;

    /** A fixed batch: which examples (indices into the split) and their padded tokens. */
    private record Batch(int[] indices, TokenBatch tokens) {
    }

    /** What one pass over the batches gave. */
    record Pass(float[][] logits, List<float[]> lastHidden) {
    }

    private final SessionSpec spec;
    private final TaskModel model;
    private final BertEncoder encoder;
    private final ModelFolder ownBase;
    private final Checkpoint baseWeights;
    private final String basePrefix;
    private final String label;
    private final EncodedSplit split;
    private final List<TaskMetric> metrics;
    private final String primaryMetric;
    private final List<Batch> batches;
    private final Map<String, ModelParameter> parameters;
    private final Map<String, float[]> originals = new HashMap<>();
    private final Map<String, int[]> orders = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, int[]> eldest) {
            return size() > KEPT_ORDERS;
        }
    };
    private final NDManager cacheManager;
    private NDArray[][] cache;
    private long cacheBytes;
    private Outcome baseline;
    /** Whether the unedited model answers each example right; null unless the primary metric is accuracy. */
    private boolean[] baselineCorrect;
    private boolean closed;

    private WhatIfSession(SessionSpec spec, TaskModel model, ModelFolder folder, ModelFolder ownBase,
            EncodedSplit split, List<TaskMetric> metrics, String label) {
        this.spec = spec;
        this.model = model;
        this.encoder = model.encoder();
        this.ownBase = ownBase;
        ModelFolder base = ownBase != null ? ownBase : folder.base().orElse(null);
        this.baseWeights = base == null ? null : base.weights();
        this.basePrefix = baseWeights == null ? "" : prefixOf(baseWeights);
        this.label = label;
        this.split = split;
        this.metrics = metrics;
        this.primaryMetric = metrics.contains(TaskMetric.ACCURACY) ? GlueMetrics.key(TaskMetric.ACCURACY)
                : GlueMetrics.key(metrics.get(0));
        this.batches = batches(split, spec.batchSize());
        Map<String, ModelParameter> byName = new LinkedHashMap<>();
        for (ModelParameter p : encoder.parameters()) {
            String name = p.name().startsWith(encoder.prefix()) ? p.name().substring(encoder.prefix().length())
                    : p.name();
            byName.put(name, p);
        }
        this.parameters = byName;
        this.cacheManager = spec.cache() ? encoder.newScope() : null;
    }

    /**
     * Runs libtorch's operators on at most {@code threads} threads in this process from now on (at least one). The
     * app leaves one core to its window, as its analysis does, so that a sweep's evaluations do not starve the
     * frames; a training run is a process of its own and keeps every core.
     */
    public static void limitThreads(int threads) {
        ai.djl.engine.Engine.getEngine("PyTorch");
        ai.djl.pytorch.jni.JniUtils.setNumThreads(Math.max(1, threads));
    }

    /** The number of threads libtorch's operators run on in this process. */
    public static int threads() {
        ai.djl.engine.Engine.getEngine("PyTorch");
        return ai.djl.pytorch.jni.JniUtils.getNumThreads();
    }

    /**
     * Opens the model (folder, or overlay with its base), reads and tokenizes the split once, and evaluates the
     * unedited model (filling the cache).
     *
     * @param progress told the share done (in thousandths) and what is happening; may be null
     * @throws CheckpointException naming the model file or folder that cannot be used
     * @throws IllegalArgumentException naming the data file that cannot be used (no such file, no labels, text the
     *                                  tokenizer cannot take), for an unknown task, or for a bad setting
     */
    public static WhatIfSession open(SessionSpec spec, Progress progress) {
        GradientRecording.offOnThisThread();
        Progress p = progress == null ? Progress.NONE : progress;
        BiConsumer<Double, String> tell = (share, what) -> p.update(Math.round(share * 1000), 1000, what);
        Task task = Task.fromName(spec.task()).orElseThrow(() -> new IllegalArgumentException("unknown GLUE task '"
                + spec.task() + "' (one of CoLA, SST-2, MRPC, STS-B, QQP, MNLI, QNLI, RTE, WNLI)"));
        int outputs = task.isRegression() ? 1 : task.labels().size();
        tell.accept(0.0, "opening " + spec.model());
        ModelFolder folder = openModel(spec);
        ModelFolder ownBase = null;
        TaskModel model = null;
        try {
            String label = labelOf(folder);
            if (spec.base() != null && folder.base().isEmpty()) {
                ownBase = Models.open(spec.base());
            }
            model = TaskModel.open(folder, outputs, Device.cpu());
            if (spec.maxLength() > model.encoder().config().maxPositions()) {
                throw new IllegalArgumentException("a maximum length of " + spec.maxLength() + " is longer than the "
                        + "model's " + model.encoder().config().maxPositions() + " positions");
            }
            tell.accept(0.2, "reading " + spec.data());
            List<Split> splits;
            try {
                splits = TaskData.readForEvaluation(spec.data(), task, spec.split());
            } catch (DataException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            Split s = splits.get(0);
            if (splits.size() > 1) {
                LOGGER.info("{} has {} {} splits; what-if experiments use the first, {}", spec.data(), splits.size(),
                        spec.split(), s.name());
            }
            if (spec.maxExamples() > 0 && spec.maxExamples() < s.size()) {
                s = new Split(s.name(), s.file(), s.sha256(), s.labels(), s.examples().subList(0, spec.maxExamples()),
                        s.problems(), s.problemCount());
            }
            tell.accept(0.25, "tokenizing " + s.size() + " examples");
            EncodedSplit encoded;
            try {
                encoded = model.encode(s, spec.maxLength());
            } catch (DataException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
            WhatIfSession session = new WhatIfSession(spec, model, folder, ownBase, encoded, task.metrics(), label);
            tell.accept(0.3, "evaluating the unedited model");
            session.computeBaseline((done, total) -> tell.accept(0.3 + 0.7 * done / total,
                    "evaluating the unedited model: batch " + done + " of " + total));
            tell.accept(1.0, "ready: " + session.baseline.primaryMetric() + " " + String.format(Locale.ROOT, "%.4f",
                    session.baseline.primary()) + " on " + encoded.size() + " examples");
            return session;
        } catch (RuntimeException e) {
            if (model != null) {
                model.close();
            } else {
                folder.close();
            }
            if (ownBase != null) {
                ownBase.close();
            }
            throw e;
        }
    }

    /** An overlay with a given base opens on that base (its fingerprint checked); anything else as it is. */
    private static ModelFolder openModel(SessionSpec spec) {
        return Models.open(spec.model(), spec.base());
    }

    /**
     * What a session on {@code spec} would open, found without evaluating anything, so that a selection and the
     * places to write can be checked before the long work.
     *
     * @param layers the model's encoder layers from its configuration, 0 when it does not say
     * @param reads  the folders and files the model is read from: its own, and an overlay's base
     */
    public record Preview(int layers, List<Path> reads) {
    }

    /** Opens the session's model just far enough to tell its {@link Preview}. */
    public static Preview preview(SessionSpec spec) {
        try (ModelFolder folder = openModel(spec)) {
            List<Path> reads = new ArrayList<>();
            for (ModelFolder f : folder.base().map(b -> List.of(folder, b)).orElse(List.of(folder))) {
                reads.add(f.path());
                reads.addAll(f.inputFiles());
            }
            return new Preview(folder.config().numLayers(), List.copyOf(reads));
        }
    }

    private static boolean isOverlay(Path file) {
        try (Checkpoint c = Checkpoints.open(file)) {
            return Overlay.isOverlay(c);
        }
    }

    private static String labelOf(ModelFolder folder) {
        return Models.displayName(folder);
    }

    private static String prefixOf(Checkpoint weights) {
        return weights.contains("bert.embeddings.word_embeddings.weight") ? "bert." : "";
    }

    /** Sorted by token length (ties: file order), cut into batches of {@code size}. */
    private static List<Batch> batches(EncodedSplit split, int size) {
        int n = split.size();
        Integer[] order = new Integer[n];
        int[] length = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
            length[i] = split.batch(new int[] {i}).length();
        }
        Arrays.sort(order, Comparator.<Integer>comparingInt(i -> length[i]).thenComparingInt(i -> i));
        List<Batch> out = new ArrayList<>();
        for (int from = 0; from < n; from += size) {
            int[] indices = new int[Math.min(size, n - from)];
            for (int k = 0; k < indices.length; k++) {
                indices[k] = order[from + k];
            }
            out.add(new Batch(indices, split.batch(indices)));
        }
        return out;
    }

    public SessionSpec spec() {
        return spec;
    }

    /** The model's encoder layers. */
    public int layerCount() {
        return encoder.config().numLayers();
    }

    /** The model as the user knows it (the folder's or overlay's name). */
    public String modelLabel() {
        return label;
    }

    /** {@code accuracy} for SST-2-like tasks, else the task's first metric. */
    public String primaryMetric() {
        return primaryMetric;
    }

    /** Examples evaluated. */
    public int examples() {
        return split.size();
    }

    /** The unedited model's outcome; computed once, when the session opened. */
    public synchronized Outcome baseline() {
        requireOpen();
        return baseline;
    }

    /** Whether a pre-trained base is known, so that revert edits can be evaluated. */
    public boolean canRevert() {
        return baseWeights != null;
    }

    /** Bytes of hidden states held by the cache (0 without one). */
    long cacheBytes() {
        return cacheBytes;
    }

    /**
     * What identifies the numbers of this session: model, base, data, task, split, examples, batching. A sweep's CSV
     * carries it, so that points of another session are never resumed into this one.
     */
    String identity() {
        return "model " + spec.model().toAbsolutePath().normalize()
                + (spec.base() == null ? "" : " on " + spec.base().toAbsolutePath().normalize())
                + "; data " + spec.data().toAbsolutePath().normalize() + " (" + spec.task() + ", " + split.name()
                + ", " + split.size() + " examples, batch " + spec.batchSize() + ", max-len " + spec.maxLength() + ")";
    }

    private void computeBaseline(java.util.function.BiConsumer<Integer, Integer> batchDone) {
        long t0 = System.nanoTime();
        if (cacheManager != null) {
            cache = new NDArray[batches.size()][];
        }
        Pass pass = run(0, Progress.NONE, false, true, batchDone);
        Evaluator.Result r = Evaluator.score(split, pass.logits(), metrics);
        double primary = r.metrics().get(primaryMetric);
        baselineCorrect = correct(r);
        baseline = new Outcome(r.metrics(), primaryMetric, primary, primary, 0, 0, 0, System.nanoTime() - t0,
                baselineCorrect == null ? null : new PairedChange(0, 0, split.size()));
        if (cache != null) {
            LOGGER.info("{} on {} examples: hidden states cached, {} MB ({} batches × {} layer boundaries)", label,
                    split.size(), String.format(Locale.ROOT, "%.1f", cacheBytes / 1e6), batches.size(),
                    layerCount() + 1);
        }
    }

    /**
     * Applies the edits in order, evaluates, and undoes them exactly.
     *
     * @param cancel checked before every batch and every layer
     * @throws CancellationException when {@code cancel} asked to stop (the model is restored)
     * @throws IllegalArgumentException for a matrix or layer the model does not have, or a revert without a base
     */
    public synchronized Outcome evaluate(List<Edit> edits, Progress cancel) {
        GradientRecording.offOnThisThread();
        requireOpen();
        long t0 = System.nanoTime();
        Applied applied = null;
        Pass pass;
        int first;
        try {
            applied = apply(edits);
            first = spec.cache() ? Math.min(applied.firstLayer, layerCount()) : 0;
            pass = run(first, cancel, false, false, (d, t) -> { });
        } finally {
            if (applied != null) {
                restore(applied.touched);
            }
        }
        Evaluator.Result r = Evaluator.score(split, pass.logits(), metrics);
        double primary = r.metrics().get(primaryMetric);
        boolean[] correct = correct(r);
        return new Outcome(r.metrics(), primaryMetric, primary, baseline.primary(), applied.zeroed, applied.entries,
                first, System.nanoTime() - t0, correct == null || baselineCorrect == null ? null
                        : PairedChange.of(baselineCorrect, correct));
    }

    /** Whether each example's prediction is its label, when accuracy is what the session reports; else null. */
    private boolean[] correct(Evaluator.Result r) {
        if (!primaryMetric.equals(GlueMetrics.key(TaskMetric.ACCURACY)) || split.size() == 0) {
            return null;
        }
        boolean[] out = new boolean[split.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = r.predictions()[i] == split.target(i);
        }
        return out;
    }

    /**
     * The accuracy of always answering the most common label of the examples: what a model that learned nothing
     * scores, the floor a ruinous edit falls to; NaN when the primary metric is not accuracy.
     */
    public double chanceAccuracy() {
        if (baselineCorrect == null) {
            return Double.NaN;
        }
        Map<Float, Integer> counts = new HashMap<>();
        int most = 0;
        for (int i = 0; i < split.size(); i++) {
            most = Math.max(most, counts.merge(split.target(i), 1, Integer::sum));
        }
        return most / (double) split.size();
    }

    /** The logits and the last layer's hidden states per batch after the edits, for checks against other models. */
    synchronized Pass pass(List<Edit> edits) {
        requireOpen();
        Applied applied = null;
        try {
            applied = apply(edits);
            int first = spec.cache() ? Math.min(applied.firstLayer, layerCount()) : 0;
            return run(first, Progress.NONE, true, false, (d, t) -> { });
        } finally {
            if (applied != null) {
                restore(applied.touched);
            }
        }
    }

    /** The current values of a tensor by its canonical name, for checks. */
    synchronized float[] values(String name) {
        return parameter(name).toFloatArray();
    }

    /** Example indices per batch, in batch order. */
    List<int[]> batchIndices() {
        return batches.stream().map(b -> b.indices().clone()).toList();
    }

    // ------------------------------------------------------------------------------------------------ running

    private Pass run(int first, Progress cancel, boolean keepHidden, boolean fillCache,
            java.util.function.BiConsumer<Integer, Integer> batchDone) {
        int labels = encoder.config().numLabels();
        float[][] logits = new float[split.size()][];
        List<float[]> hidden = keepHidden ? new ArrayList<>() : null;
        java.util.function.IntConsumer check = layer -> {
            if (cancel.isCancelled()) {
                throw new CancellationException("cancelled before layer " + layer);
            }
        };
        for (int b = 0; b < batches.size(); b++) {
            if (cancel.isCancelled()) {
                throw new CancellationException("cancelled before batch " + (b + 1) + " of " + batches.size());
            }
            Batch batch = batches.get(b);
            float[] flat;
            try (NDManager scope = encoder.newScope()) {
                NDArray input = cache != null && !fillCache ? cache[b][first]
                        : encoder.embeddings(scope, batch.tokens());
                int from = cache != null && !fillCache ? first : 0;
                BertOutput out = encoder.forwardFrom(scope, batch.tokens(), from, input, check);
                if (fillCache && cache != null) {
                    List<NDArray> states = out.hiddenStates();
                    cache[b] = new NDArray[states.size()];
                    for (int l = 0; l < states.size(); l++) {
                        NDArray state = states.get(l);
                        state.attach(cacheManager);
                        cache[b][l] = state;
                        cacheBytes += state.size() * 4;
                    }
                }
                flat = out.logits().toFloatArray();
                if (hidden != null) {
                    hidden.add(out.lastHiddenState().toFloatArray());
                }
            }
            int[] indices = batch.indices();
            for (int r = 0; r < indices.length; r++) {
                logits[indices[r]] = Arrays.copyOfRange(flat, r * labels, (r + 1) * labels);
            }
            batchDone.accept(b + 1, batches.size());
        }
        return new Pass(logits, hidden);
    }

    // ------------------------------------------------------------------------------------------------ gradients

    /**
     * The task loss's gradient with respect to some tensors (weights, biases), over the session's examples: per
     * tensor the mean gradient (each batch's mean-loss gradient, weighted by its examples) and the mean of the
     * squared batch gradients (a diagonal Fisher estimate), in the layout of {@link #weights}.
     *
     * @param loss the mean loss of the unedited model over the examples
     */
    public record Gradients(Map<String, float[]> mean, Map<String, float[]> meanSquare, double loss) {
    }

    /**
     * One pass of forward and backward over every batch (no dropout, no cache), for a first-order estimate of what
     * an edit would do ({@link SensitivityEstimate}). The weights are left as they were; a cancel stops between
     * batches.
     */
    public synchronized Gradients gradients(List<String> tensors, Progress progress) {
        requireOpen();
        Map<String, ModelParameter> params = new LinkedHashMap<>();
        for (String name : tensors) {
            params.put(name, parameter(name));
        }
        Map<String, double[]> sum = new LinkedHashMap<>();
        Map<String, double[]> sumSq = new LinkedHashMap<>();
        params.forEach((m, p) -> {
            int n = Math.toIntExact(p.array().size());
            sum.put(m, new double[n]);
            sumSq.put(m, new double[n]);
        });
        double lossSum = 0;
        int examples = split.size();
        params.values().forEach(p -> p.array().setRequiresGradient(true));
        try {
            for (int b = 0; b < batches.size(); b++) {
                if (progress.isCancelled()) {
                    throw new CancellationException("cancelled before batch " + (b + 1) + " of " + batches.size());
                }
                Batch batch = batches.get(b);
                double weight = (double) batch.indices().length / examples;
                try (NDManager scope = encoder.newScope();
                     ai.djl.training.GradientCollector collector = scope.getEngine().newGradientCollector()) {
                    BertOutput out = encoder.forward(scope, batch.tokens(), false);
                    NDArray loss = dev.finescope.train.TaskLoss.of(scope, out.logits(),
                            split.targets(batch.indices()));
                    collector.backward(loss);
                    lossSum += loss.getFloat() * weight;
                    for (var e : params.entrySet()) {
                        NDArray grad = e.getValue().array().getGradient();
                        float[] g = grad.toFloatArray();
                        grad.subi(grad);
                        double[] s = sum.get(e.getKey());
                        double[] q = sumSq.get(e.getKey());
                        for (int i = 0; i < g.length; i++) {
                            s[i] += weight * g[i];
                            q[i] += weight * (double) g[i] * g[i];
                        }
                    }
                }
                progress.update(b + 1, batches.size(), "gradients of batch " + (b + 1) + " of " + batches.size());
            }
        } finally {
            params.values().forEach(p -> p.array().setRequiresGradient(false));
            GradientRecording.offOnThisThread();
        }
        Map<String, float[]> mean = new LinkedHashMap<>();
        Map<String, float[]> meanSquare = new LinkedHashMap<>();
        sum.forEach((m, s) -> mean.put(m, toFloats(s)));
        sumSq.forEach((m, s) -> meanSquare.put(m, toFloats(s)));
        return new Gradients(mean, meanSquare, lossSum);
    }

    /**
     * The mean task loss over the session's examples with {@code edits} applied (the model is left as it was):
     * cross-entropy of the logits for classification, squared error for a one-output regression head, computed
     * in double from the logits. What an estimate of a loss change is checked against.
     */
    public synchronized double loss(List<Edit> edits, Progress cancel) {
        GradientRecording.offOnThisThread();
        requireOpen();
        Applied applied = null;
        Pass pass;
        try {
            applied = apply(edits);
            int first = spec.cache() ? Math.min(applied.firstLayer, layerCount()) : 0;
            pass = run(first, cancel, false, false, (d, t) -> { });
        } finally {
            if (applied != null) {
                restore(applied.touched);
            }
        }
        double sum = 0;
        for (int i = 0; i < split.size(); i++) {
            float[] z = pass.logits()[i];
            double t = split.target(i);
            if (z.length == 1) {
                sum += (z[0] - t) * (z[0] - t);
            } else {
                double max = Double.NEGATIVE_INFINITY;
                for (float v : z) {
                    max = Math.max(max, v);
                }
                double norm = 0;
                for (float v : z) {
                    norm += Math.exp(v - max);
                }
                sum -= z[(int) t] - max - Math.log(norm);
            }
        }
        return sum / split.size();
    }

    /** True when the model has the tensor (a layer's bias, say), named as {@link MatrixRef} names them. */
    public boolean has(String tensor) {
        return parameters.containsKey(tensor);
    }

    /** The unedited values of a tensor, row-major as the model holds them (a copy). */
    public synchronized float[] weights(String tensor) {
        requireOpen();
        return original(tensor).clone();
    }

    /** The base's values of a tensor, when the session can revert (a copy). */
    public float[] baseWeights(String tensor) {
        if (baseWeights == null) {
            throw new IllegalStateException(label + " has no base to compare with");
        }
        return baseWeights.tensor(basePrefix + tensor).toFloatArray();
    }

    private static float[] toFloats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    // ------------------------------------------------------------------------------------------------ edits

    /** What applying a list of edits did: the tensors changed (to restore), the lowest layer, the pruning counts. */
    private static final class Applied {
        final Set<String> touched = new LinkedHashSet<>();
        int firstLayer = Integer.MAX_VALUE;
        long zeroed;
        long entries;
    }

    private Applied apply(List<Edit> edits) {
        for (Edit e : edits) {
            check(e);
        }
        Applied a = new Applied();
        try {
            for (Edit e : edits) {
                a.firstLayer = Math.min(a.firstLayer, e.firstLayer());
                if (e instanceof Edit.Prune p) {
                    for (MatrixRef m : p.matrices()) {
                        prune(m, p, a);
                    }
                } else if (e instanceof Edit.Revert r) {
                    for (MatrixRef m : r.matrices()) {
                        revert(m.weightName(), a);
                        if (parameters.containsKey(m.biasName())) {
                            revert(m.biasName(), a);
                        }
                    }
                } else if (e instanceof Edit.RevertLayers r) {
                    for (int layer : r.layers()) {
                        String prefix = LAYER_PREFIX + layer + ".";
                        for (String name : parameters.keySet()) {
                            if (name.startsWith(prefix)) {
                                revert(name, a);
                            }
                        }
                    }
                }
            }
        } catch (RuntimeException ex) {
            restore(a.touched);
            throw ex;
        }
        return a;
    }

    private void check(Edit e) {
        List<Integer> layers;
        if (e instanceof Edit.Prune p) {
            layers = p.matrices().stream().map(MatrixRef::layer).toList();
        } else if (e instanceof Edit.Revert r) {
            layers = r.matrices().stream().map(MatrixRef::layer).toList();
        } else {
            layers = ((Edit.RevertLayers) e).layers();
        }
        for (int l : layers) {
            if (l >= layerCount()) {
                throw new IllegalArgumentException("layer " + l + " does not exist: " + label + " has layers 0 … "
                        + (layerCount() - 1));
            }
        }
        if (!(e instanceof Edit.Prune) && baseWeights == null) {
            throw new IllegalArgumentException(label + ": reverting needs the pre-trained base model; give a base "
                    + "(or open an overlay, which names its base)");
        }
    }

    private ModelParameter parameter(String name) {
        ModelParameter p = parameters.get(name);
        if (p == null) {
            throw new IllegalArgumentException(label + " has no tensor " + name);
        }
        return p;
    }

    /** The unedited values, read once per tensor (never handed out for writing). */
    private float[] original(String name) {
        return originals.computeIfAbsent(name, n -> parameter(n).toFloatArray());
    }

    private void prune(MatrixRef m, Edit.Prune p, Applied a) {
        String name = m.weightName();
        ModelParameter param = parameter(name);
        boolean fresh = !a.touched.contains(name);
        float[] w = fresh ? original(name).clone() : param.toFloatArray();
        int k = Pruning.count(p.sparsity(), w.length);
        a.entries += w.length;
        a.zeroed += k;
        if (k == 0) {
            return;
        }
        if (p.method() == PruneMethod.MAGNITUDE) {
            int[] order = fresh ? orders.computeIfAbsent(name, n -> Pruning.magnitudeOrder(original(n)))
                    : Pruning.magnitudeOrder(w);
            for (int i = 0; i < k; i++) {
                w[order[i]] = 0f;
            }
        } else {
            for (int i : Pruning.randomChoice(w.length, k, p.seed(), name)) {
                w[i] = 0f;
            }
        }
        write(name, w, a);
    }

    private void revert(String name, Applied a) {
        ModelParameter param = parameter(name);
        String baseName = basePrefix + name;
        if (!baseWeights.contains(baseName)) {
            throw new IllegalArgumentException(baseWeights.source() + ": the base has no tensor " + baseName
                    + " to revert to");
        }
        Tensor t = baseWeights.tensor(baseName);
        if (!Arrays.equals(t.shape(), param.shape())) {
            throw new IllegalArgumentException(baseWeights.source() + ": the base's " + baseName + " has shape "
                    + Arrays.toString(t.shape()) + ", the model's " + Arrays.toString(param.shape()));
        }
        write(name, t.toFloatArray(), a);
    }

    private void write(String name, float[] values, Applied a) {
        original(name);
        parameter(name).array().set(FloatBuffer.wrap(values));
        a.touched.add(name);
    }

    private void restore(Set<String> touched) {
        for (String name : touched) {
            parameter(name).array().set(FloatBuffer.wrap(originals.get(name)));
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the what-if session of " + label + " is closed");
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (cacheManager != null) {
            cacheManager.close();
        }
        model.close();
        if (ownBase != null) {
            ownBase.close();
        }
    }
}
