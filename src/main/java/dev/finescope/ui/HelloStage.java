package dev.finescope.ui;

import javafx.animation.AnimationTimer;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.stage.Stage;

/**
 * The yardstick of {@link StartBench}: the smallest JavaFX window on FineScope's class path, a label in a stage of
 * the app's default size, closed after its first frame is drawn. What it costs to start, the app cannot save.
 *
 * <pre>java -cp target/finescope.jar dev.finescope.ui.HelloStage</pre>
 */
public final class HelloStage {

    private HelloStage() {
    }

    public static void main(String[] args) {
        Application.launch(Window.class, args);
    }

    /** The application class; JavaFX will not start one from the class path as the main class itself. */
    public static final class Window extends Application {
        @Override
        public void start(Stage stage) {
            stage.setTitle("Hello");
            stage.setScene(new Scene(new Label("Hello, FineScope"), 1400, 880));
            stage.show();
            new AnimationTimer() {
                private int frames;

                @Override
                public void handle(long now) {
                    // the first pulse lays out and draws the scene; the second comes after it was shown
                    if (++frames == 2) {
                        stop();
                        Platform.exit();
                    }
                }
            }.start();
        }
    }
}
