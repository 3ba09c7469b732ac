package dev.finescope.run;

import dev.finescope.common.Problem;
import java.nio.file.Path;

/**
 * A run spec, run folder or run process is not as it should be. The message names the file (when there is one)
 * and the problem in one line, so the app's error dialog and the CLI show it as it is.
 */
public class RunException extends Problem {

    public RunException(Path file, String problem) {
        super(file, problem);
    }

    public RunException(Path file, String problem, Throwable cause) {
        super(file, problem, cause);
    }
}
