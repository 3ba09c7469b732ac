package dev.finescope.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Set;

/**
 * The knobs of a training run, with defaults that work for BERT-family fine-tuning on GLUE-sized tasks so a
 * user can launch a run without knowing them. A spec file may name any subset; the rest take these defaults:
 *
 * <table>
 * <caption>defaults</caption>
 * <tr><th>key</th><th>default</th><th>meaning</th></tr>
 * <tr><td>epochs</td><td>3</td><td>passes over the training data</td></tr>
 * <tr><td>learningRate</td><td>2e-5</td><td>AdamW peak rate for trained weights and the head</td></tr>
 * <tr><td>scoreLearningRate</td><td>1e-2</td><td>Adam peak rate for mask scores (the low end of
 *     {@code method.md}'s 1e-2…1e-1 for scores of scale c)</td></tr>
 * <tr><td>batchSize</td><td>32</td><td>examples per step</td></tr>
 * <tr><td>maxLength</td><td>128</td><td>tokens per example after truncation (batches pad to their longest)</td></tr>
 * <tr><td>warmupRatio</td><td>0.1</td><td>share of steps with a linear warm-up, then linear decay to 0</td></tr>
 * <tr><td>weightDecay</td><td>0.01</td><td>AdamW decay, never on biases and LayerNorms</td></tr>
 * <tr><td>gradientClip</td><td>1.0</td><td>global gradient-norm limit; 0 turns clipping off</td></tr>
 * <tr><td>evalEverySteps</td><td>0</td><td>evaluate on dev every N steps; 0 evaluates at the end of each
 *     epoch only (there is always an evaluation at the end)</td></tr>
 * <tr><td>seed</td><td>42</td><td>seeds shuffling, dropout and head initialisation</td></tr>
 * <tr><td>maxSteps</td><td>0</td><td>stop after this many steps; 0 means no limit (quick trials, tests)</td></tr>
 * </table>
 */
public record HyperParameters(
        int epochs,
        double learningRate,
        double scoreLearningRate,
        int batchSize,
        int maxLength,
        double warmupRatio,
        double weightDecay,
        double gradientClip,
        int evalEverySteps,
        long seed,
        int maxSteps) {

    public static final HyperParameters DEFAULTS =
            new HyperParameters(3, 2e-5, 1e-2, 32, 128, 0.1, 0.01, 1.0, 0, 42, 0);

    /** The largest batch accepted: far beyond any memory, and far from the sizes whose step counts overflow. */
    public static final int MAX_BATCH_SIZE = 65_536;

    /** The keys of {@link #toTree()}. */
    public static final Set<String> KEYS = Set.of("epochs", "learningRate", "scoreLearningRate", "batchSize",
            "maxLength", "warmupRatio", "weightDecay", "gradientClip", "evalEverySteps", "seed", "maxSteps");

    /** What is wrong with these values, one sentence each naming the key; empty when nothing is. */
    public List<String> problems() {
        return LaunchCheck.texts(LaunchCheck.hyperParameters(this));
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    public static Builder builder() {
        return new Builder(DEFAULTS);
    }

    /** Changes some values of a copy, for the property sheet and for tests. */
    public static final class Builder {
        private int epochs;
        private double learningRate;
        private double scoreLearningRate;
        private int batchSize;
        private int maxLength;
        private double warmupRatio;
        private double weightDecay;
        private double gradientClip;
        private int evalEverySteps;
        private long seed;
        private int maxSteps;

        private Builder(HyperParameters h) {
            epochs = h.epochs;
            learningRate = h.learningRate;
            scoreLearningRate = h.scoreLearningRate;
            batchSize = h.batchSize;
            maxLength = h.maxLength;
            warmupRatio = h.warmupRatio;
            weightDecay = h.weightDecay;
            gradientClip = h.gradientClip;
            evalEverySteps = h.evalEverySteps;
            seed = h.seed;
            maxSteps = h.maxSteps;
        }

        public Builder epochs(int v) {
            epochs = v;
            return this;
        }

        public Builder learningRate(double v) {
            learningRate = v;
            return this;
        }

        public Builder scoreLearningRate(double v) {
            scoreLearningRate = v;
            return this;
        }

        public Builder batchSize(int v) {
            batchSize = v;
            return this;
        }

        public Builder maxLength(int v) {
            maxLength = v;
            return this;
        }

        public Builder warmupRatio(double v) {
            warmupRatio = v;
            return this;
        }

        public Builder weightDecay(double v) {
            weightDecay = v;
            return this;
        }

        public Builder gradientClip(double v) {
            gradientClip = v;
            return this;
        }

        public Builder evalEverySteps(int v) {
            evalEverySteps = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        public Builder maxSteps(int v) {
            maxSteps = v;
            return this;
        }

        public HyperParameters build() {
            return new HyperParameters(epochs, learningRate, scoreLearningRate, batchSize, maxLength, warmupRatio,
                    weightDecay, gradientClip, evalEverySteps, seed, maxSteps);
        }
    }

    /** Every value, as the JSON object a run spec holds. */
    public ObjectNode toTree() {
        ObjectNode n = Json.object();
        n.put("epochs", epochs);
        n.put("learningRate", learningRate);
        n.put("scoreLearningRate", scoreLearningRate);
        n.put("batchSize", batchSize);
        n.put("maxLength", maxLength);
        n.put("warmupRatio", warmupRatio);
        n.put("weightDecay", weightDecay);
        n.put("gradientClip", gradientClip);
        n.put("evalEverySteps", evalEverySteps);
        n.put("seed", seed);
        n.put("maxSteps", maxSteps);
        return n;
    }

    /**
     * Reads the keys present; missing keys keep their defaults. Problems are {@link IllegalArgumentException}s whose
     * message names the key.
     */
    public static HyperParameters fromTree(JsonNode n) {
        String w = "hyperParameters";
        Json.checkKeys(n, KEYS, w);
        HyperParameters d = DEFAULTS;
        return new HyperParameters(
                n.has("epochs") ? Json.intValue(n, "epochs", w) : d.epochs,
                n.has("learningRate") ? Json.number(n, "learningRate", w) : d.learningRate,
                n.has("scoreLearningRate") ? Json.number(n, "scoreLearningRate", w) : d.scoreLearningRate,
                n.has("batchSize") ? Json.intValue(n, "batchSize", w) : d.batchSize,
                n.has("maxLength") ? Json.intValue(n, "maxLength", w) : d.maxLength,
                n.has("warmupRatio") ? Json.number(n, "warmupRatio", w) : d.warmupRatio,
                n.has("weightDecay") ? Json.number(n, "weightDecay", w) : d.weightDecay,
                n.has("gradientClip") ? Json.number(n, "gradientClip", w) : d.gradientClip,
                n.has("evalEverySteps") ? Json.intValue(n, "evalEverySteps", w) : d.evalEverySteps,
                n.has("seed") ? Json.integer(n, "seed", w) : d.seed,
                n.has("maxSteps") ? Json.intValue(n, "maxSteps", w) : d.maxSteps);
    }
}
