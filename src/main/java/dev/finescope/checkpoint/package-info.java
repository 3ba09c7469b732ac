/**
 * Checkpoint formats in and out: safetensors (single and sharded), PyTorch {@code .bin} through a pickle reader
 * that only understands state dicts, model folders and their configs, and the name maps that place each
 * tensor of a BERT-family model on the layer × sublayer grid. Reading is lazy and memory-mapped; nothing here
 * knows about JavaFX or DJL.
 */
package dev.finescope.checkpoint;
