package dev.finescope;

import dev.finescope.cli.FineScopeCommand;
import dev.finescope.common.AppArguments;
import dev.finescope.ui.FineScopeApp;

/**
 * Entry point of {@code finescope.jar}: a command runs it; no command opens the app. It is not the JavaFX
 * application class itself, because JavaFX refuses to start from the class path through such a main class.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        // the window's classes are loaded on another core while the toolkit starts
        FineScopeCommand.quietLogUnlessDebug(args);
        if (AppArguments.appOnly(args) != null) {
            StartupClasses.startIfWorthIt(Runtime.getRuntime().availableProcessors());
        } else {
            // a command's output carries no notice of libtorch's own (see NativeStderrFilter)
            dev.finescope.cli.NativeStderrFilter.install();
        }
        // a lambda, not a method reference: FineScopeApp (and with it JavaFX) is loaded only when the app opens,
        // so the commands also run on a headless server whose class path has no JavaFX
        System.exit(FineScopeCommand.execute(args, () -> FineScopeApp.open()));
    }
}
