package dev.finescope.checkpoint;

/**
 * The kinds of sublayer that form the columns of the layer × sublayer grid ({@code method.md} §2).
 * Encoder layers use the first eight; the embeddings, pooler and head rows have cells of their own kinds.
 */
public enum GridColumn {
    Q("Q", "attention · query", "attention.self.query"),
    K("K", "attention · key", "attention.self.key"),
    V("V", "attention · value", "attention.self.value"),
    ATTN_OUT("AttnOut", "attention · output", "attention.output.dense"),
    ATTN_LN("AttnLN", "attention · LayerNorm", "attention.output.LayerNorm"),
    FFN_IN("FFN-in", "feed-forward · in", "intermediate.dense"),
    FFN_OUT("FFN-out", "feed-forward · out", "output.dense"),
    OUT_LN("OutLN", "output · LayerNorm", "output.LayerNorm"),
    WORD("Word", "word embeddings", "embeddings.word_embeddings"),
    POSITION("Position", "position embeddings", "embeddings.position_embeddings"),
    TOKEN_TYPE("TokenType", "token-type embeddings", "embeddings.token_type_embeddings"),
    EMB_LN("EmbLN", "embeddings · LayerNorm", "embeddings.LayerNorm"),
    POOLER("Pooler", "pooler · dense", "pooler.dense"),
    HEAD("Head", "task head", "classifier");

    private final String csvName;
    private final String label;
    private final String technicalName;

    GridColumn(String csvName, String label, String technicalName) {
        this.csvName = csvName;
        this.label = label;
        this.technicalName = technicalName;
    }

    /** The short name used in CSV files and plans ({@code method.md}). */
    public String csvName() {
        return csvName;
    }

    /** Words a student understands, for axes and legends. */
    public String label() {
        return label;
    }

    /** The Hugging Face BERT name, for tooltips. */
    public String technicalName() {
        return technicalName;
    }

    public boolean isEncoderColumn() {
        return ordinal() <= OUT_LN.ordinal();
    }

    public boolean isLayerNorm() {
        return this == ATTN_LN || this == OUT_LN || this == EMB_LN;
    }

    public static GridColumn fromCsvName(String name) {
        for (GridColumn c : values()) {
            if (c.csvName.equalsIgnoreCase(name) || c.name().equalsIgnoreCase(name)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown grid column '" + name + "'");
    }

    /** The eight encoder columns, in grid order. */
    public static GridColumn[] encoderColumns() {
        return new GridColumn[] {Q, K, V, ATTN_OUT, ATTN_LN, FFN_IN, FFN_OUT, OUT_LN};
    }
}
