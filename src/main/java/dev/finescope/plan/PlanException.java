package dev.finescope.plan;

import java.nio.file.Path;

/**
 * A plan could not be read, written or applied to a model. The message names the file (when there is one) and
 * the problem in one line, so the CLI and the app can show it as it is.
 */
public class PlanException extends RuntimeException {
    private final transient Path file;
    private final String problem;

    public PlanException(Path file, String problem) {
        this(file, problem, null);
    }

    public PlanException(Path file, String problem, Throwable cause) {
        super((file == null ? "" : file + ": ") + problem, cause);
        this.file = file;
        this.problem = problem;
    }

    /** The plan file at fault, or {@code null} for a plan that came from elsewhere. */
    public Path file() {
        return file;
    }

    /** The problem without the file name. */
    public String problem() {
        return problem;
    }
}
