package dev.finescope.checkpoint;

import dev.finescope.common.Problem;
import java.nio.file.Path;

/**
 * A checkpoint could not be read or written. The message always names the file and the problem in one line,
 * so the CLI and the app can show it to a person as it is.
 */
public class CheckpointException extends Problem {

    public CheckpointException(Path file, String problem) {
        super(file, problem);
    }

    public CheckpointException(Path file, String problem, Throwable cause) {
        super(file, problem, cause);
    }
}
