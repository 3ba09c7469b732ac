package dev.finescope.train.data;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One row of a data file that did not become an example, and why. Rows are never dropped or repaired without
 * one of these, so a user can find and fix the line ({@code file:line: reason}, as compilers print it).
 *
 * @param file   the data file
 * @param line   the 1-based line on which the row starts
 * @param reason what is wrong, in words
 */
public record Problem(Path file, long line, String reason) {

    public Problem {
        Objects.requireNonNull(reason, "reason");
        if (line < 1) {
            throw new IllegalArgumentException("line numbers start at 1: " + line);
        }
    }

    @Override
    public String toString() {
        return (file == null ? "" : file + ":") + line + ": " + reason;
    }
}
