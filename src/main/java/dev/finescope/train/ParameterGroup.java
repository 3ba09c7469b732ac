package dev.finescope.train;

/**
 * The optimizer group of a trained tensor. Weight matrices are decayed; biases and LayerNorms are not (as in
 * BERT's own recipe); mask scores have their own, much larger learning rate and no decay (method.md §4).
 */
public enum ParameterGroup {
    WEIGHTS,
    NO_DECAY,
    SCORES
}
