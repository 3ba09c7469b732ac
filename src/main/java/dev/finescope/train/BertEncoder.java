package dev.finescope.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import dev.finescope.checkpoint.Checkpoint;
import dev.finescope.checkpoint.CheckpointException;
import dev.finescope.checkpoint.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Hugging Face BERT ({@code BertForSequenceClassification}) rebuilt from a checkpoint's tensors with DJL's
 * PyTorch engine, computing what transformers computes (tested against a plain-torch reference within 1e-4):
 * embeddings (word + position + token type, LayerNorm), post-LN layers with multi-head self-attention under an
 * additive mask ({@code (1 − mask)·float32.min}), exact erf GELU, the pooler ({@code tanh}) when present and a
 * task head on the pooled output (or on the {@code [CLS]} state when there is no pooler).
 *
 * <p>The model owns its parameters as plain NDArrays in one manager; which of them train, and which weight
 * matrices become learned masks, is the {@link TrainingPolicy}'s say. A forward pass creates its arrays in the
 * scope the caller gives (see {@link #newScope()}), so closing that scope frees a step completely.
 */
public final class BertEncoder implements AutoCloseable {
    private static final Logger LOGGER = LoggerFactory.getLogger(BertEncoder.class);
    /** transformers' {@code torch.finfo(float32).min}, added to the attention scores of padding. */
    static final float MASK_VALUE = -Float.MAX_VALUE;

    private final BertConfig config;
    private final NDManager manager;
    private final String prefix;
    private final ModelParameter wordEmbeddings;
    private final ModelParameter positionEmbeddings;
    private final ModelParameter tokenTypeEmbeddings;
    private final LayerNormUnit embeddingNorm;
    private final List<Layer> layers;
    private final LinearUnit pooler;
    private final LinearUnit classifier;
    private final List<ModelParameter> parameters;

    private record Layer(LinearUnit query, LinearUnit key, LinearUnit value, LinearUnit attentionOutput,
                         LayerNormUnit attentionNorm, LinearUnit intermediate, LinearUnit output,
                         LayerNormUnit outputNorm) {
        List<LinearUnit> linears() {
            return List.of(query, key, value, attentionOutput, intermediate, output);
        }
    }

    private BertEncoder(Builder b) {
        this.config = b.config;
        this.manager = NDManager.newBaseManager(b.device);
        boolean built = false;
        try {
            Loader in = new Loader(b.checkpoint, manager, b.config);
            this.prefix = in.prefix;
            TrainingPolicy policy = b.policy;
            int h = config.hiddenSize();
            List<ModelParameter> all = new ArrayList<>();

            wordEmbeddings = embedding(in, policy, "embeddings.word_embeddings.weight", config.vocabSize(), h);
            positionEmbeddings = embedding(in, policy, "embeddings.position_embeddings.weight",
                    config.maxPositions(), h);
            tokenTypeEmbeddings = in.has("embeddings.token_type_embeddings.weight")
                    ? embedding(in, policy, "embeddings.token_type_embeddings.weight", config.typeVocabSize(), h)
                    : null;
            embeddingNorm = layerNorm(in, policy, "embeddings.LayerNorm");
            all.add(wordEmbeddings);
            all.add(positionEmbeddings);
            if (tokenTypeEmbeddings != null) {
                all.add(tokenTypeEmbeddings);
            }
            all.addAll(embeddingNorm.parameters());

            List<Layer> ls = new ArrayList<>();
            int inter = config.intermediateSize();
            for (int i = 0; i < config.numLayers(); i++) {
                String p = "encoder.layer." + i + ".";
                Layer layer = new Layer(
                        linear(in, policy, p + "attention.self.query", h, h),
                        linear(in, policy, p + "attention.self.key", h, h),
                        linear(in, policy, p + "attention.self.value", h, h),
                        linear(in, policy, p + "attention.output.dense", h, h),
                        layerNorm(in, policy, p + "attention.output.LayerNorm"),
                        linear(in, policy, p + "intermediate.dense", inter, h),
                        linear(in, policy, p + "output.dense", h, inter),
                        layerNorm(in, policy, p + "output.LayerNorm"));
                ls.add(layer);
                all.addAll(layer.query.parameters());
                all.addAll(layer.key.parameters());
                all.addAll(layer.value.parameters());
                all.addAll(layer.attentionOutput.parameters());
                all.addAll(layer.attentionNorm.parameters());
                all.addAll(layer.intermediate.parameters());
                all.addAll(layer.output.parameters());
                all.addAll(layer.outputNorm.parameters());
            }
            if (in.has("encoder.layer." + config.numLayers() + ".attention.self.query.weight")) {
                throw new CheckpointException(b.checkpoint.source(), "the checkpoint has more encoder layers than "
                        + "the configuration's " + config.numLayers());
            }
            layers = Collections.unmodifiableList(ls);
            pooler = in.has("pooler.dense.weight") ? linear(in, policy, "pooler.dense", h, h) : null;
            if (pooler != null) {
                all.addAll(pooler.parameters());
            }
            classifier = head(in, b.seed);
            all.addAll(classifier.parameters());
            parameters = Collections.unmodifiableList(all);
            built = true;
            LOGGER.debug("BERT with {} layers, hidden {}, {} labels from {} ({} parameters, {} trainable)",
                    config.numLayers(), h, config.numLabels(), b.checkpoint.source(), parameterCount(false),
                    parameterCount(true));
        } finally {
            if (!built) {
                manager.close();
            }
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public BertConfig config() {
        return config;
    }

    public Device device() {
        return manager.getDevice();
    }

    /** {@code "bert."} or {@code ""}: how the checkpoint names its encoder tensors. */
    public String prefix() {
        return prefix;
    }

    /** A manager on the model's device for one step's arrays; close it when the step is done. */
    public NDManager newScope() {
        return manager.newSubManager();
    }

    /** Every tensor of the model, frozen ones included, in checkpoint order. */
    public List<ModelParameter> parameters() {
        return parameters;
    }

    public List<ModelParameter> trainableParameters() {
        return parameters.stream().filter(ModelParameter::trainable).toList();
    }

    public long parameterCount(boolean trainableOnly) {
        long n = 0;
        for (ModelParameter p : parameters) {
            if (!trainableOnly || p.trainable()) {
                n += p.array().size();
            }
        }
        return n;
    }

    /** Every dense layer of the encoder (six per layer), the pooler, then the head. */
    public List<LinearUnit> linearUnits() {
        List<LinearUnit> out = new ArrayList<>();
        for (Layer l : layers) {
            out.addAll(l.linears());
        }
        if (pooler != null) {
            out.add(pooler);
        }
        out.add(classifier);
        return out;
    }

    public List<MaskedLinear> maskedUnits() {
        List<MaskedLinear> out = new ArrayList<>();
        for (LinearUnit u : linearUnits()) {
            if (u instanceof MaskedLinear m) {
                out.add(m);
            }
        }
        return out;
    }

    /**
     * Runs the model. {@code training} turns dropout on (with the configuration's rates); gradients are recorded
     * only inside a gradient collector. Every array created belongs to {@code scope}.
     */
    public BertOutput forward(NDManager scope, TokenBatch batch, boolean training) {
        checkBatch(batch);
        return layersFrom(scope, batch, 0, embeddings(scope, batch, training), training, layer -> { });
    }

    /**
     * The embeddings' output without dropout, {@code [batch, length, hidden]}: the input of layer 0, from which
     * {@link #forwardFrom} runs the whole model.
     */
    public NDArray embeddings(NDManager scope, TokenBatch batch) {
        checkBatch(batch);
        return embeddings(scope, batch, false);
    }

    private NDArray embeddings(NDManager scope, TokenBatch batch, boolean training) {
        NDArray ids = batch.inputIds(scope);
        NDArray x = embed(ids, wordEmbeddings);
        NDArray positions = scope.arange(0, batch.length(), 1, DataType.INT64);
        x = x.add(embed(positions, positionEmbeddings));
        if (tokenTypeEmbeddings != null) {
            x = x.add(embed(batch.typeIds(scope), tokenTypeEmbeddings));
        }
        return dropout(embeddingNorm.forward(x), config.hiddenDropout(), training);
    }

    /**
     * Runs layers {@code firstLayer} … L−1, the pooler and the head without dropout, from the hidden states at the
     * input of {@code firstLayer} ({@code forward(…).hiddenStates().get(firstLayer)} of the same batch); with
     * {@code firstLayer} = L only the pooler and the head. What-if experiments that change only layers ≥ L start
     * here from cached states and get what {@link #forward} gives. The returned hidden states start with
     * (a copy of) {@code input}; every array created belongs to {@code scope}, wherever {@code input} lives.
     * {@code beforeLayer} is told each layer index before it runs (it may throw to stop).
     */
    public BertOutput forwardFrom(NDManager scope, TokenBatch batch, int firstLayer, NDArray input,
            java.util.function.IntConsumer beforeLayer) {
        checkBatch(batch);
        if (firstLayer < 0 || firstLayer > layers.size()) {
            throw new IllegalArgumentException("layer " + firstLayer + " is outside 0 … " + layers.size());
        }
        Shape expected = new Shape(batch.size(), batch.length(), config.hiddenSize());
        if (!input.getShape().equals(expected)) {
            throw new IllegalArgumentException("hidden states " + input.getShape() + " do not fit the batch "
                    + expected);
        }
        // DJL attaches an operation's result to its first operand's manager: start from an array of the scope, so
        // that what the layers create is freed with the scope even when the input is held elsewhere (a cache)
        NDArray local = scope.zeros(expected).add(input);
        return layersFrom(scope, batch, firstLayer, local, false, beforeLayer);
    }

    private BertOutput layersFrom(NDManager scope, TokenBatch batch, int firstLayer, NDArray input,
            boolean training, java.util.function.IntConsumer beforeLayer) {
        int n = batch.size();
        int t = batch.length();
        int h = config.hiddenSize();
        int heads = config.numHeads();
        int d = config.headDim();

        NDArray additiveMask = batch.attentionMask(scope).toType(DataType.FLOAT32, false)
                .neg().add(1f).mul(MASK_VALUE).reshape(n, 1, 1, t);
        // an array of the step's scope, not x.div(float): DJL frees the scalar it makes for that at once, while
        // the backward pass still reads it (after a garbage collection, from reused memory)
        NDArray scale = scope.create((float) Math.sqrt(d));
        Shape split = new Shape(n, t, heads, d);
        Shape merged = new Shape(n, t, h);

        NDArray x = input;
        List<NDArray> states = new ArrayList<>(layers.size() + 1 - firstLayer);
        states.add(x);
        for (int index = firstLayer; index < layers.size(); index++) {
            beforeLayer.accept(index);
            Layer layer = layers.get(index);
            NDArray q = layer.query.forward(x).reshape(split).transpose(0, 2, 1, 3);
            NDArray k = layer.key.forward(x).reshape(split).transpose(0, 2, 3, 1);
            NDArray v = layer.value.forward(x).reshape(split).transpose(0, 2, 1, 3);
            NDArray scores = q.matMul(k).div(scale).add(additiveMask);
            NDArray probs = dropout(scores.softmax(-1), config.attentionDropout(), training);
            NDArray context = probs.matMul(v).transpose(0, 2, 1, 3).reshape(merged);
            NDArray attended = dropout(layer.attentionOutput.forward(context), config.hiddenDropout(), training);
            NDArray a = layer.attentionNorm.forward(attended.add(x));
            NDArray inner = layer.intermediate.forward(a).getNDArrayInternal().gelu();
            NDArray out = dropout(layer.output.forward(inner), config.hiddenDropout(), training);
            x = layer.outputNorm.forward(out.add(a));
            states.add(x);
        }

        NDArray cls = x.get(":, 0, :");
        NDArray pooled = pooler == null ? null : pooler.forward(cls).tanh();
        NDArray features = pooled == null ? cls : pooled;
        NDArray logits = classifier.forward(dropout(features, config.hiddenDropout(), training));
        return new BertOutput(Collections.unmodifiableList(states), pooled, logits);
    }

    private void checkBatch(TokenBatch batch) {
        if (batch.length() > config.maxPositions()) {
            throw new IllegalArgumentException("a batch of " + batch.length() + " tokens is longer than the model's "
                    + config.maxPositions() + " positions");
        }
        if (batch.minId() < 0 || batch.maxId() >= config.vocabSize()) {
            throw new IllegalArgumentException("token ids must lie in [0, " + config.vocabSize() + "), found "
                    + batch.minId() + " to " + batch.maxId());
        }
        long types = tokenTypeEmbeddings == null ? 1 : tokenTypeEmbeddings.shape()[0];
        if (batch.maxTypeId() >= types) {
            throw new IllegalArgumentException("token type " + batch.maxTypeId() + " but the model has " + types);
        }
    }

    private static NDArray embed(NDArray ids, ModelParameter table) {
        return ids.getNDArrayInternal().embedding(ids, table.array(), SparseFormat.DENSE).singletonOrThrow();
    }

    private static NDArray dropout(NDArray x, double rate, boolean training) {
        if (!training || rate == 0) {
            return x;
        }
        return x.getNDArrayInternal().dropout(x, (float) rate, true).singletonOrThrow();
    }

    /** Arrays the model's manager holds now (parameters and optimizer state): a leak shows as growth. */
    int liveArrays() {
        return manager.getManagedArrays().size();
    }

    @Override
    public void close() {
        manager.close();
    }

    // ------------------------------------------------------------------------------------------------ loading

    private ModelParameter embedding(Loader in, TrainingPolicy policy, String name, long rows, long cols) {
        MatrixSetup setup = policy.matrix(name);
        if (setup.mode() == LinearMode.MASKED) {
            throw new IllegalArgumentException(name + ": embeddings cannot be masked, only frozen or trained");
        }
        return new ModelParameter(prefix + name, in.load(name, rows, cols), ParameterGroup.WEIGHTS,
                setup.mode() == LinearMode.TRAINABLE);
    }

    private LayerNormUnit layerNorm(Loader in, TrainingPolicy policy, String name) {
        long h = config.hiddenSize();
        return new LayerNormUnit(prefix + name, in.load(name + ".weight", h), in.load(name + ".bias", h),
                config.layerNormEps(), policy.trainsVector(name + ".weight"));
    }

    private LinearUnit linear(Loader in, TrainingPolicy policy, String name, long out, long inputs) {
        MatrixSetup setup = policy.matrix(name);
        NDArray w = in.load(name + ".weight", out, inputs);
        NDArray bias = in.has(name + ".bias") ? in.load(name + ".bias", out) : null;
        boolean trainBias = policy.trainsVector(name + ".bias");
        return switch (setup.mode()) {
            case FROZEN, TRAINABLE -> new DenseLinear(prefix + name, w, bias, setup.mode() == LinearMode.TRAINABLE,
                    trainBias);
            case MASKED -> new MaskedLinear(prefix + name, w, bias, trainBias, setup);
        };
    }

    private LinearUnit head(Loader in, long seed) {
        int labels = config.numLabels();
        int h = config.hiddenSize();
        if (in.hasRaw("classifier.weight")) {
            long[] shape = in.shapeRaw("classifier.weight");
            if (Arrays.equals(shape, new long[] {labels, h})) {
                return new DenseLinear("classifier", in.loadRaw("classifier.weight", labels, h),
                        in.loadRaw("classifier.bias", labels), true, true);
            }
            LOGGER.info("{}: classifier {} does not fit {} labels; starting a new head", in.source(),
                    Arrays.toString(shape), labels);
        }
        Random random = new Random(seed);
        float[] w = new float[labels * h];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (random.nextGaussian() * config.initializerRange());
        }
        return new DenseLinear("classifier", manager.create(w, new Shape(labels, h)),
                manager.zeros(new Shape(labels)), true, true);
    }

    /** Reads tensors by their canonical name, whatever prefix the checkpoint uses, and checks their shapes. */
    private static final class Loader {
        private final Checkpoint checkpoint;
        private final NDManager manager;
        private final String prefix;

        Loader(Checkpoint checkpoint, NDManager manager, BertConfig config) {
            this.checkpoint = checkpoint;
            this.manager = manager;
            if (checkpoint.contains("bert.embeddings.word_embeddings.weight")) {
                prefix = "bert.";
            } else if (checkpoint.contains("embeddings.word_embeddings.weight")) {
                prefix = "";
            } else {
                throw new CheckpointException(checkpoint.source(), "no BERT word embeddings "
                        + "(bert.embeddings.word_embeddings.weight or embeddings.word_embeddings.weight)");
            }
        }

        java.nio.file.Path source() {
            return checkpoint.source();
        }

        boolean has(String name) {
            return checkpoint.contains(prefix + name);
        }

        boolean hasRaw(String name) {
            return checkpoint.contains(name);
        }

        long[] shapeRaw(String name) {
            return checkpoint.tensor(name).shape();
        }

        NDArray load(String name, long... shape) {
            return loadRaw(prefix + name, shape);
        }

        NDArray loadRaw(String name, long... shape) {
            if (!checkpoint.contains(name)) {
                throw new CheckpointException(checkpoint.source(), "missing tensor " + name);
            }
            Tensor t = checkpoint.tensor(name);
            if (!Arrays.equals(t.shape(), shape)) {
                throw new CheckpointException(checkpoint.source(), "tensor " + name + " has shape "
                        + Arrays.toString(t.shape()) + " but the configuration needs " + Arrays.toString(shape));
            }
            if (!t.dtype().isFloating()) {
                throw new CheckpointException(checkpoint.source(), "tensor " + name + " is " + t.dtype()
                        + ", not a floating type");
            }
            return manager.create(t.toFloatArray(), new Shape(shape));
        }
    }

    /** Builds an encoder: {@code setX} for what it needs, {@code optX} for what has a default. */
    public static final class Builder {
        private Checkpoint checkpoint;
        private BertConfig config;
        private TrainingPolicy policy = TrainingPolicy.headOnly();
        private Device device = Device.cpu();
        private long seed = 42;

        private Builder() {
        }

        /** The tensors; read once while building, the checkpoint may be closed afterwards. */
        public Builder setCheckpoint(Checkpoint checkpoint) {
            this.checkpoint = checkpoint;
            return this;
        }

        public Builder setConfig(BertConfig config) {
            this.config = config;
            return this;
        }

        /** Which tensors train; the default trains only the task head. */
        public Builder optPolicy(TrainingPolicy policy) {
            this.policy = policy;
            return this;
        }

        public Builder optDevice(Device device) {
            this.device = device;
            return this;
        }

        /** Seed of a new task head's initial weights (normal, std = initializer range). */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        public BertEncoder build() {
            if (checkpoint == null || config == null) {
                throw new IllegalStateException("an encoder needs a checkpoint and a configuration");
            }
            return new BertEncoder(this);
        }
    }
}
