package dev.finescope.cli;

/**
 * Input the command cannot use (a missing file, an output that would overwrite an input). Its message names
 * the file and the problem, and is shown as it is, with exit code 2.
 */
final class BadInputException extends RuntimeException {

    BadInputException(String message) {
        super(message);
    }

    BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
