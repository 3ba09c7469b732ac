package dev.finescope.analysis;

import dev.finescope.checkpoint.GridColumn;
import dev.finescope.checkpoint.GridPosition;
import dev.finescope.checkpoint.GridRow;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Grid positions of Hugging Face BERT names ({@code bert.} prefix), as the fixture script assigns them. */
final class TestGrid {

    private static final Pattern LAYER = Pattern.compile("bert\\.encoder\\.layer\\.(\\d+)\\.(.+)\\.(weight|bias)");
    private static final Pattern OTHER = Pattern.compile("(.+)\\.(weight|bias)");

    private TestGrid() {
    }

    static Optional<GridPosition> locate(String name) {
        Matcher m = LAYER.matcher(name);
        if (m.matches()) {
            for (GridColumn c : GridColumn.encoderColumns()) {
                if (c.technicalName().equals(m.group(2))) {
                    return Optional.of(new GridPosition(GridRow.layer(Integer.parseInt(m.group(1))), c, part(m.group(3))));
                }
            }
            return Optional.empty();
        }
        m = OTHER.matcher(name);
        if (!m.matches()) {
            return Optional.empty();
        }
        GridPosition.Part part = part(m.group(2));
        return switch (m.group(1)) {
            case "bert.embeddings.word_embeddings" -> at(GridRow.EMBEDDINGS, GridColumn.WORD, part);
            case "bert.embeddings.position_embeddings" -> at(GridRow.EMBEDDINGS, GridColumn.POSITION, part);
            case "bert.embeddings.token_type_embeddings" -> at(GridRow.EMBEDDINGS, GridColumn.TOKEN_TYPE, part);
            case "bert.embeddings.LayerNorm" -> at(GridRow.EMBEDDINGS, GridColumn.EMB_LN, part);
            case "bert.pooler.dense" -> at(GridRow.POOLER, GridColumn.POOLER, part);
            case "classifier" -> at(GridRow.HEAD, GridColumn.HEAD, part);
            default -> Optional.empty();
        };
    }

    private static Optional<GridPosition> at(GridRow row, GridColumn column, GridPosition.Part part) {
        return Optional.of(new GridPosition(row, column, part));
    }

    private static GridPosition.Part part(String s) {
        return s.equals("weight") ? GridPosition.Part.WEIGHT : GridPosition.Part.BIAS;
    }
}
