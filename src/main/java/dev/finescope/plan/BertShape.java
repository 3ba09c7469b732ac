package dev.finescope.plan;

/**
 * The sizes that fix every tensor shape of a BERT encoder. With it a plan's cost can be computed for a model
 * nobody has downloaded (BERT-base's numbers in {@code method.md} come from these shapes alone).
 *
 * @param layers        encoder layers
 * @param hidden        hidden size
 * @param intermediate  feed-forward inner size
 * @param vocab         word-piece vocabulary size
 * @param maxPositions  position embeddings
 * @param typeVocab     token types (segments)
 * @param pooler        whether the model has a pooler
 */
public record BertShape(int layers, int hidden, int intermediate, int vocab, int maxPositions, int typeVocab,
        boolean pooler) {

    /** bert-base-uncased. */
    public static final BertShape BERT_BASE = new BertShape(12, 768, 3072, 30522, 512, 2, true);

    public BertShape {
        if (layers < 0 || hidden <= 0 || intermediate <= 0 || vocab <= 0 || maxPositions <= 0 || typeVocab < 0) {
            throw new IllegalArgumentException("impossible BERT shape: " + layers + " layers, hidden " + hidden
                    + ", intermediate " + intermediate + ", vocab " + vocab + ", positions " + maxPositions
                    + ", token types " + typeVocab);
        }
    }
}
