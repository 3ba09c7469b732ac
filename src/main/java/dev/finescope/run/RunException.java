package dev.finescope.run;

import java.nio.file.Path;

/**
 * A run spec, run folder or run process is not as it should be. The message names the file (when there is one)
 * and the problem in one line, so the app's error dialog and the CLI show it as it is.
 */
public class RunException extends RuntimeException {
    private final transient Path file;
    private final String problem;

    public RunException(Path file, String problem) {
        this(file, problem, null);
    }

    public RunException(Path file, String problem, Throwable cause) {
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
