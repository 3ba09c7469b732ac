package dev.finescope.common;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The one command line that opens the app rather than running a command: {@code finescope},
 * {@code finescope --workspace PATH} or {@code finescope --workspace=PATH}. Read here, by the launcher, the command
 * line and the app alike, so that they never disagree about it.
 */
public final class AppArguments {

    private AppArguments() {
    }

    /**
     * The workspace of a command line that only opens the app ({@code []}, {@code [--workspace, PATH]} or
     * {@code [--workspace=PATH]}), or null for any other; an empty optional is the app without a workspace.
     */
    public static Optional<Path> appOnly(String[] args) {
        if (args.length == 0) {
            return Optional.empty();
        }
        if (args.length == 2 && args[0].equals("--workspace") && !args[1].startsWith("-")) {
            return Optional.of(Path.of(args[1]));
        }
        if (args.length == 1 && args[0].startsWith("--workspace=") && args[0].length() > "--workspace=".length()) {
            return Optional.of(Path.of(args[0].substring("--workspace=".length())));
        }
        return null;
    }
}
