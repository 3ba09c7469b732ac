package dev.finescope.train;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.core.Linear;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A plain dense layer whose weight is either frozen or trained, and whose bias trains on its own say. */
public final class DenseLinear implements LinearUnit {
    private final String name;
    private final ModelParameter weight;
    private final ModelParameter bias;
    private final List<ModelParameter> parameters;

    /**
     * @param weight {@code [out, in]}, owned from now on by this layer's model
     * @param bias   {@code [out]}, or {@code null} for none
     */
    public DenseLinear(String name, NDArray weight, NDArray bias, boolean trainWeight, boolean trainBias) {
        if (weight.getShape().dimension() != 2) {
            throw new IllegalArgumentException(name + ": a linear weight must be 2-D, not " + weight.getShape());
        }
        if (bias != null && (bias.getShape().dimension() != 1
                || bias.getShape().get(0) != weight.getShape().get(0))) {
            throw new IllegalArgumentException(name + ": bias " + bias.getShape() + " does not fit weight "
                    + weight.getShape());
        }
        this.name = name;
        this.weight = new ModelParameter(name + ".weight", weight, ParameterGroup.WEIGHTS, trainWeight);
        this.bias = bias == null ? null
                : new ModelParameter(name + ".bias", bias, ParameterGroup.NO_DECAY, trainBias);
        List<ModelParameter> all = new ArrayList<>(2);
        all.add(this.weight);
        if (this.bias != null) {
            all.add(this.bias);
        }
        this.parameters = Collections.unmodifiableList(all);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public LinearMode mode() {
        return weight.trainable() ? LinearMode.TRAINABLE : LinearMode.FROZEN;
    }

    @Override
    public NDArray forward(NDArray x) {
        return Linear.linear(x, weight.array(), bias == null ? null : bias.array()).singletonOrThrow();
    }

    @Override
    public List<ModelParameter> parameters() {
        return parameters;
    }

    @Override
    public float[] effectiveWeight() {
        return weight.toFloatArray();
    }
}
