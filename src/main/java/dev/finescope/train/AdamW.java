package dev.finescope.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter; PyTorch's {@code AdamW}), with a learning rate and
 * decay per {@link ParameterGroup}: decayed weights, undecayed biases and LayerNorms, and mask scores at their
 * own, larger rate. Written over the model's own arrays, in place, so that a step allocates only temporaries,
 * which are freed before it returns.
 */
public final class AdamW implements AutoCloseable {

    /**
     * @param learningRate      peak rate of weights, biases, LayerNorms and the task head
     * @param scoreLearningRate peak rate of mask scores
     * @param weightDecay       decoupled decay of the {@link ParameterGroup#WEIGHTS} group
     */
    public record Settings(double learningRate, double scoreLearningRate, double weightDecay, double beta1,
                           double beta2, double epsilon) {
        public Settings {
            if (!(learningRate >= 0) || !(scoreLearningRate >= 0) || !(weightDecay >= 0)
                    || !(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(epsilon > 0)) {
                throw new IllegalArgumentException("invalid AdamW settings: " + this);
            }
        }

        /** BERT's fine-tuning defaults: betas 0.9 and 0.999, epsilon 1e-8, decay 0.01. */
        public static Settings of(double learningRate, double scoreLearningRate) {
            return new Settings(learningRate, scoreLearningRate, 0.01, 0.9, 0.999, 1e-8);
        }

        double rate(ParameterGroup g) {
            return g == ParameterGroup.SCORES ? scoreLearningRate : learningRate;
        }

        double decay(ParameterGroup g) {
            return g == ParameterGroup.WEIGHTS ? weightDecay : 0;
        }
    }

    private final Settings settings;
    private final List<ModelParameter> parameters;
    private final List<NDArray> firstMoments = new ArrayList<>();
    private final List<NDArray> secondMoments = new ArrayList<>();
    private int steps;

    public AdamW(List<ModelParameter> trainable, Settings settings) {
        this.settings = settings;
        this.parameters = List.copyOf(trainable);
        for (ModelParameter p : parameters) {
            if (!p.trainable()) {
                throw new IllegalArgumentException(p.name() + " is frozen; an optimizer takes trainable tensors only");
            }
            NDArray m = p.array().zerosLike();
            NDArray v = p.array().zerosLike();
            NDScope.unregister(m, v);
            firstMoments.add(m);
            secondMoments.add(v);
        }
    }

    public Settings settings() {
        return settings;
    }

    public int steps() {
        return steps;
    }

    /** The tensors it updates, in its order. */
    List<ModelParameter> parameters() {
        return parameters;
    }

    /** The running mean of {@code parameters().get(i)}'s gradient (Adam's m); live, owned by the optimizer. */
    NDArray firstMoment(int i) {
        return firstMoments.get(i);
    }

    /** The running mean of its squared gradient (Adam's v); live, owned by the optimizer. */
    NDArray secondMoment(int i) {
        return secondMoments.get(i);
    }

    /** Sets the number of steps taken, which the bias corrections depend on: for a run resumed from a checkpoint. */
    void restoreSteps(int taken) {
        if (taken < 0) {
            throw new IllegalArgumentException("a step count is not negative: " + taken);
        }
        steps = taken;
    }

    /**
     * Scales the gradients so that their global L2 norm is at most {@code maxNorm} (as
     * {@code torch.nn.utils.clip_grad_norm_}) and returns the norm before clipping; NaN or infinity tells of a
     * broken step, whose gradients are then left as they are.
     */
    public double clipGradients(double maxNorm) {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            List<NDArray> grads = new ArrayList<>(parameters.size());
            NDArray sum = null;
            for (ModelParameter p : parameters) {
                NDArray g = p.array().getGradient();
                grads.add(g);
                NDArray squares = g.square().sum();
                sum = sum == null ? squares : sum.add(squares);
            }
            if (sum == null) {
                return 0;
            }
            // one transfer per step, whatever the number of tensors
            double total = sum.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
            double norm = Math.sqrt(total);
            if (Double.isFinite(norm) && norm > maxNorm) {
                float factor = (float) (maxNorm / (norm + 1e-6));
                for (NDArray g : grads) {
                    g.muli(factor);
                }
            }
            return norm;
        }
    }

    /**
     * One update of every parameter from its gradient, at {@code rateScale} times the peak rates (the schedule's
     * warmup and decay), then clears the gradients.
     */
    public void step(double rateScale) {
        GradientRecording.offOnThisThread();
        steps++;
        double b1 = settings.beta1();
        double b2 = settings.beta2();
        double correction1 = 1 - Math.pow(b1, steps);
        double sqrtCorrection2 = Math.sqrt(1 - Math.pow(b2, steps));
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            for (int i = 0; i < parameters.size(); i++) {
                ModelParameter p = parameters.get(i);
                double lr = settings.rate(p.group()) * rateScale;
                double decay = settings.decay(p.group());
                NDArray w = p.array();
                NDArray g = w.getGradient();
                NDArray m = firstMoments.get(i);
                NDArray v = secondMoments.get(i);
                m.muli((float) b1).addi(g.mul((float) (1 - b1)));
                v.muli((float) b2).addi(g.square().muli((float) (1 - b2)));
                if (lr != 0) {
                    if (decay != 0) {
                        w.muli((float) (1 - lr * decay));
                    }
                    NDArray denominator = v.sqrt().divi((float) sqrtCorrection2).addi((float) settings.epsilon());
                    w.subi(m.div(denominator).muli((float) (lr / correction1)));
                }
                clearGradient(w, g);
            }
        }
    }

    /** A tensor holding a value that is not a finite number: its name, and NaN or infinity (the largest |value|). */
    public record NonFinite(ModelParameter parameter, double value) {
        /** {@code NaN} or {@code infinite}. */
        public String describe() {
            return Double.isNaN(value) ? "NaN" : "infinite";
        }
    }

    /**
     * The first trained tensor (in the optimizer's order) holding a NaN or an infinity, if any: one sum per tensor
     * (NaN and infinities carry into it; no temporary array) and one transfer for them all. A sum that is not
     * finite is confirmed by the tensor's largest |value| (which NaN also carries into), so that finite values
     * whose sum overflows are not taken for broken ones.
     */
    public Optional<NonFinite> firstNonFiniteWeight() {
        return firstNonFinite(ModelParameter::array);
    }

    /** As {@link #firstNonFiniteWeight()} over the gradients (before {@link #step} clears them). */
    public Optional<NonFinite> firstNonFiniteGradient() {
        return firstNonFinite(p -> p.array().getGradient());
    }

    private Optional<NonFinite> firstNonFinite(Function<ModelParameter, NDArray> values) {
        if (parameters.isEmpty()) {
            return Optional.empty();
        }
        GradientRecording.offOnThisThread();
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            ai.djl.ndarray.NDList sums = new ai.djl.ndarray.NDList(parameters.size());
            for (ModelParameter p : parameters) {
                sums.add(values.apply(p).sum().reshape(1));
            }
            float[] s = ai.djl.ndarray.NDArrays.concat(sums).toFloatArray();
            for (int i = 0; i < s.length; i++) {
                if (!Float.isFinite(s[i])) {
                    float largest = values.apply(parameters.get(i)).abs().max().getFloat();
                    if (!Float.isFinite(largest)) {
                        return Optional.of(new NonFinite(parameters.get(i), largest));
                    }
                }
            }
            return Optional.empty();
        }
    }

    /** Clears every gradient without updating (a step that was cancelled or broken). */
    public void zeroGradients() {
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            for (ModelParameter p : parameters) {
                NDArray w = p.array();
                clearGradient(w, w.getGradient());
            }
        }
    }

    private static void clearGradient(NDArray weight, NDArray gradient) {
        if (weight instanceof PtNDArray pt) {
            JniUtils.zeroGrad(pt);
        } else {
            gradient.subi(gradient);
        }
    }

    @Override
    public void close() {
        firstMoments.forEach(NDArray::close);
        secondMoments.forEach(NDArray::close);
    }
}
