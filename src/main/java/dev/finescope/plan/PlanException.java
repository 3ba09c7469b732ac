package dev.finescope.plan;

import dev.finescope.common.Problem;
import java.nio.file.Path;

/**
 * A plan could not be read, written or applied to a model. The message names the file (when there is one) and
 * the problem in one line, so the CLI and the app can show it as it is.
 */
public class PlanException extends Problem {

    public PlanException(Path file, String problem) {
        super(file, problem);
    }

    public PlanException(Path file, String problem, Throwable cause) {
        super(file, problem, cause);
    }
}
