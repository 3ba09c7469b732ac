package dev.finescope.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/** LayerNorm over the last axis with the model's epsilon; its weight and bias train together or not at all. */
public final class LayerNormUnit {
    private final String name;
    private final ModelParameter gamma;
    private final ModelParameter beta;
    private final float eps;
    private final Shape normalized;

    public LayerNormUnit(String name, NDArray gamma, NDArray beta, double eps, boolean trainable) {
        if (gamma.getShape().dimension() != 1 || !gamma.getShape().equals(beta.getShape())) {
            throw new IllegalArgumentException(name + ": LayerNorm weight " + gamma.getShape() + " and bias "
                    + beta.getShape() + " must be equal vectors");
        }
        this.name = name;
        this.gamma = new ModelParameter(name + ".weight", gamma, ParameterGroup.NO_DECAY, trainable);
        this.beta = new ModelParameter(name + ".bias", beta, ParameterGroup.NO_DECAY, trainable);
        this.eps = (float) eps;
        this.normalized = gamma.getShape();
    }

    public String name() {
        return name;
    }

    public NDArray forward(NDArray x) {
        return x.getNDArrayInternal().layerNorm(x, normalized, gamma.array(), beta.array(), eps).singletonOrThrow();
    }

    public List<ModelParameter> parameters() {
        return List.of(gamma, beta);
    }
}
