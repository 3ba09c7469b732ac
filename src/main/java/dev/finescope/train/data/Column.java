package dev.finescope.train.data;

import java.util.Objects;

/**
 * A column of a data file, by header name or by 0-based position. Files without a header (GLUE's CoLA) and JSONL
 * arrays can only be addressed by position; JSONL objects only by name.
 *
 * @param name  the header name or JSON key, or {@code null} when the column is given by position
 * @param index the 0-based position, or -1 when the column is given by name
 */
public record Column(String name, int index) {

    public Column {
        if ((name == null) == (index < 0)) {
            throw new IllegalArgumentException("a column is given either by name or by index, not both or neither");
        }
    }

    /** The column with this header name (or JSON key). */
    public static Column named(String name) {
        return new Column(Objects.requireNonNull(name, "name"), -1);
    }

    /** The column at this 0-based position. */
    public static Column at(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("column indices start at 0: " + index);
        }
        return new Column(null, index);
    }

    /** True when given by name. */
    public boolean byName() {
        return name != null;
    }

    @Override
    public String toString() {
        return byName() ? "'" + name + "'" : "#" + index;
    }
}
