package dev.finescope.train;

/**
 * Decides, tensor by tensor, what a fine-tune changes. Names are Hugging Face BERT names without the model
 * prefix ({@code encoder.layer.3.attention.self.query}, {@code embeddings.LayerNorm.bias}). The task head
 * ({@code classifier.*}) always trains, whatever the policy says. A plan made in the app is turned into one of
 * these; the presets below cover the method's three kinds of fine-tuning.
 */
public interface TrainingPolicy {

    /**
     * The setup of a weight matrix, named by its unit ({@code encoder.layer.0.intermediate.dense},
     * {@code pooler.dense}) or, for embeddings, by the tensor ({@code embeddings.word_embeddings.weight}).
     */
    MatrixSetup matrix(String name);

    /**
     * Whether a bias ({@code encoder.layer.0.output.dense.bias}) or a LayerNorm trains; a LayerNorm is asked
     * once, by its weight's name ({@code embeddings.LayerNorm.weight}), and its bias follows.
     */
    boolean trainsVector(String name);

    /** Full fine-tuning: every tensor trains. */
    static TrainingPolicy full() {
        return new TrainingPolicy() {
            @Override
            public MatrixSetup matrix(String name) {
                return MatrixSetup.trainable();
            }

            @Override
            public boolean trainsVector(String name) {
                return true;
            }
        };
    }

    /** Only the task head trains: the baseline of a pre-trained model's features. */
    static TrainingPolicy headOnly() {
        return new TrainingPolicy() {
            @Override
            public MatrixSetup matrix(String name) {
                return MatrixSetup.frozen();
            }

            @Override
            public boolean trainsVector(String name) {
                return false;
            }
        };
    }

    /**
     * Learned masks on every encoder matrix (Q, K, V, attention output, FFN in and out) at {@code sparsity};
     * embeddings, pooler, biases and LayerNorms stay pre-trained, so the task costs one bit per masked entry
     * plus the head.
     */
    static TrainingPolicy maskEncoder(double sparsity, boolean exactTopK) {
        MatrixSetup setup = exactTopK ? MatrixSetup.maskedTopK(sparsity) : MatrixSetup.masked(sparsity);
        return new TrainingPolicy() {
            @Override
            public MatrixSetup matrix(String name) {
                return name.startsWith("encoder.layer.") ? setup : MatrixSetup.frozen();
            }

            @Override
            public boolean trainsVector(String name) {
                return false;
            }
        };
    }
}
