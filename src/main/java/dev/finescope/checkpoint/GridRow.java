package dev.finescope.checkpoint;

import java.util.Comparator;

/** A row of the layer × sublayer grid: the embeddings, encoder layer {@code layer}, the pooler or the task head. */
public record GridRow(Kind kind, int layer) implements Comparable<GridRow> {

    public enum Kind { EMBEDDINGS, LAYER, POOLER, HEAD }

    public static final GridRow EMBEDDINGS = new GridRow(Kind.EMBEDDINGS, -1);
    public static final GridRow POOLER = new GridRow(Kind.POOLER, -1);
    public static final GridRow HEAD = new GridRow(Kind.HEAD, -1);

    private static final Comparator<GridRow> ORDER =
            Comparator.comparing(GridRow::kind).thenComparingInt(GridRow::layer);

    public GridRow {
        if ((kind == Kind.LAYER) != (layer >= 0)) {
            throw new IllegalArgumentException("a layer row needs a layer index >= 0, other rows -1");
        }
    }

    public static GridRow layer(int index) {
        return new GridRow(Kind.LAYER, index);
    }

    /** {@code embeddings}, {@code 0} … {@code L-1}, {@code pooler}, {@code head}: the CSV spelling. */
    public String csvName() {
        return switch (kind) {
            case EMBEDDINGS -> "embeddings";
            case LAYER -> Integer.toString(layer);
            case POOLER -> "pooler";
            case HEAD -> "head";
        };
    }

    /** For axes: "emb", "layer 3", "pooler", "head". */
    public String label() {
        return switch (kind) {
            case EMBEDDINGS -> "embeddings";
            case LAYER -> "layer " + layer;
            case POOLER -> "pooler";
            case HEAD -> "head";
        };
    }

    public static GridRow fromCsvName(String s) {
        return switch (s) {
            case "embeddings" -> EMBEDDINGS;
            case "pooler" -> POOLER;
            case "head" -> HEAD;
            default -> {
                try {
                    yield layer(Integer.parseInt(s));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("unknown grid row '" + s + "'");
                }
            }
        };
    }

    @Override
    public int compareTo(GridRow o) {
        return ORDER.compare(this, o);
    }
}
