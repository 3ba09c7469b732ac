package dev.finescope.train.data;

import java.nio.file.Path;

/**
 * Task data could not be read as asked: a missing file, a header without the mapped column, a file with no
 * usable row. The message names the file and the problem in one line, so the CLI and the app show it as it is.
 * Single bad rows are not exceptions: they are {@link Problem}s on the {@link Split}.
 */
public class DataException extends RuntimeException {
    private final transient Path file;
    private final String problem;

    public DataException(Path file, String problem) {
        this(file, problem, null);
    }

    public DataException(Path file, String problem, Throwable cause) {
        super((file == null ? "" : file + ": ") + problem, cause);
        this.file = file;
        this.problem = problem;
    }

    /** The file at fault, or {@code null} when no single file is. */
    public Path file() {
        return file;
    }

    /** The problem without the file name. */
    public String problem() {
        return problem;
    }
}
