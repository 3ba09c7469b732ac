package dev.finescope.checkpoint;

import java.nio.file.Path;

/**
 * A checkpoint could not be read or written. The message always names the file and the problem in one line,
 * so the CLI and the app can show it to a person as it is.
 */
public class CheckpointException extends RuntimeException {
    private final transient Path file;
    private final String problem;

    public CheckpointException(Path file, String problem) {
        this(file, problem, null);
    }

    public CheckpointException(Path file, String problem, Throwable cause) {
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
