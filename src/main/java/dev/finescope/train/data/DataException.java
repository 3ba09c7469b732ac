package dev.finescope.train.data;

import dev.finescope.common.Problem;
import java.nio.file.Path;

/**
 * Task data could not be read as asked: a missing file, a header without the mapped column, a file with no
 * usable row. The message names the file and the problem in one line, so the CLI and the app show it as it is.
 * Single bad rows are not exceptions: they are {@link Problem}s on the {@link Split}.
 */
public class DataException extends Problem {

    public DataException(Path file, String problem) {
        super(file, problem);
    }

    public DataException(Path file, String problem, Throwable cause) {
        super(file, problem, cause);
    }
}
