package dev.finescope.plan;

/** Layouts small enough to count by hand. */
final class TinyLayouts {

    /**
     * 2 layers, hidden 4, intermediate 8, vocabulary 10, 6 positions, 2 token types, a pooler.
     * Parameters: embeddings 40 + 24 + 8 + LN 8 = 80; per layer Q, K, V, AttnOut 4 × (16 + 4) = 80, AttnLN 8,
     * FFN-in 32 + 8 = 40, FFN-out 32 + 4 = 36, OutLN 8 → 172, two layers 344; pooler 16 + 4 = 20. Total 444.
     */
    static ModelLayout tiny() {
        return ModelLayout.bert(new BertShape(2, 4, 8, 10, 6, 2, true));
    }

    private TinyLayouts() {
    }
}
