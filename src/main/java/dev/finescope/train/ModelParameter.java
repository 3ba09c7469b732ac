package dev.finescope.train;

import ai.djl.ndarray.NDArray;

/**
 * A tensor the model owns, under the name it has in the checkpoint (mask scores: the unit's name plus
 * {@code .mask_scores}). Frozen tensors never get a gradient, so an optimizer cannot change them.
 */
public final class ModelParameter {
    private final String name;
    private final NDArray array;
    private final ParameterGroup group;
    private final boolean trainable;

    ModelParameter(String name, NDArray array, ParameterGroup group, boolean trainable) {
        this.name = name;
        this.array = array;
        this.group = group;
        this.trainable = trainable;
        array.setName(name);
        if (trainable) {
            array.setRequiresGradient(true);
        }
    }

    public String name() {
        return name;
    }

    /** The live array; owned by the model and closed with it. */
    public NDArray array() {
        return array;
    }

    public ParameterGroup group() {
        return group;
    }

    public boolean trainable() {
        return trainable;
    }

    public long[] shape() {
        return array.getShape().getShape();
    }

    /** A copy of the current values, row-major. */
    public float[] toFloatArray() {
        return array.toFloatArray();
    }

    @Override
    public String toString() {
        return name + array.getShape() + (trainable ? " " + group : " frozen");
    }
}
