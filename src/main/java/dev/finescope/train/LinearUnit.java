package dev.finescope.train;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * A dense layer {@code y = x Wᵀ + b} with Hugging Face's weight layout {@code [out, in]}, whose weight may be
 * frozen, trained, or masked. One interface so that the encoder is written once for every plan.
 */
public interface LinearUnit {

    /** The unit's name without {@code .weight}, as in the checkpoint ({@code bert.pooler.dense}). */
    String name();

    LinearMode mode();

    /** Applies the layer; every array it creates belongs to {@code x}'s manager. */
    NDArray forward(NDArray x);

    /** Weight (and bias, and mask scores when masked), frozen ones included. */
    List<ModelParameter> parameters();

    /** The weight the forward pass uses now (for a masked layer {@code W₀ ⊙ M}), row-major. */
    float[] effectiveWeight();
}
