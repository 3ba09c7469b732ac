package dev.finescope;

/** Entry point of {@code finescope.jar}: a command runs it; no command opens the app. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        throw new UnsupportedOperationException("implemented by the CLI change");
    }
}
