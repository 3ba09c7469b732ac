package dev.finescope.sweep;

import dev.finescope.common.Problem;
import java.nio.file.Path;

/**
 * A sweep file or sweep folder is not as it should be. The message names the file and, for a sweep file, the
 * field at fault ({@code plans[2]: unknown plan 'sparse'}), in one line.
 */
public class SweepException extends Problem {

    public SweepException(Path file, String problem) {
        super(file, problem);
    }

    public SweepException(Path file, String problem, Throwable cause) {
        super(file, problem, cause);
    }
}
