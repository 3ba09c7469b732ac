package dev.finescope.common;

import java.nio.file.Path;

/**
 * Input or output FineScope cannot use, said for a person: the message names the file (when one is at fault) and
 * the problem in one line, so that the command line and the app show it as it is. Each part of FineScope has its
 * own kind ({@code CheckpointException}, {@code PlanException}, {@code DataException}, {@code RunException},
 * {@code WorkspaceException}) so that a caller can catch the kind it can handle; all of them are this.
 */
public class Problem extends RuntimeException {

    private final transient Path file;
    private final String problem;

    public Problem(Path file, String problem) {
        this(file, problem, null);
    }

    public Problem(Path file, String problem, Throwable cause) {
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
