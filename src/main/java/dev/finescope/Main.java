package dev.finescope;

import dev.finescope.cli.FineScopeCommand;
import dev.finescope.ui.FineScopeApp;

/**
 * Entry point of {@code finescope.jar}: a command runs it; no command opens the app. It is not the JavaFX
 * application class itself, because JavaFX refuses to start from the class path through such a main class.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(FineScopeCommand.execute(args, FineScopeApp::open));
    }
}
