package dev.finescope.checkpoint.imports;

import dev.finescope.checkpoint.CheckpointException;

import java.nio.file.Path;

/**
 * Builds the one-line errors of the importers. Names inside a damaged or hostile file can hold line breaks,
 * control characters or 60 kB of text; a person must still get one readable line, so they are escaped and cut.
 */
final class ImportProblems {

    static final int MAX_NAME = 120;
    static final int MAX_MESSAGE = 1000;

    private ImportProblems() {
    }

    static CheckpointException of(Path file, String problem) {
        return new CheckpointException(file, oneLine(problem, MAX_MESSAGE));
    }

    static CheckpointException of(Path file, String problem, Throwable cause) {
        return new CheckpointException(file, oneLine(problem, MAX_MESSAGE), cause);
    }

    /** A name from a file, quoted, on one line and at most {@link #MAX_NAME} characters. */
    static String quote(String name) {
        return "'" + oneLine(name, MAX_NAME) + "'";
    }

    static String oneLine(String s, int max) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), max) + 8);
        for (int i = 0; i < s.length(); i++) {
            if (b.length() >= max) {
                b.append('…');
                break;
            }
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || c == 0x85 || c == 0x2028 || c == 0x2029) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
