package dev.finescope.ui.common;

import dev.finescope.common.Problem;
import java.nio.file.Path;

/** A workspace file could not be read or written; the message names the file and the problem in one line. */
public final class WorkspaceException extends Problem {

    public WorkspaceException(Path file, String problem) {
        this(file, problem, null);
    }

    public WorkspaceException(Path file, String problem, Throwable cause) {
        super(file, problem, cause);
    }
}
