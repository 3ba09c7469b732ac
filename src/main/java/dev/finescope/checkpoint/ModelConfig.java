package dev.finescope.checkpoint;

/**
 * The shape of a BERT-family model, read from {@code config.json} or inferred from the tensors when a single
 * weights file is opened.
 */
public record ModelConfig(
        String modelType,
        int hiddenSize,
        int numLayers,
        int numHeads,
        int intermediateSize,
        int vocabSize,
        double initializerRange,
        boolean inferred) {
}
