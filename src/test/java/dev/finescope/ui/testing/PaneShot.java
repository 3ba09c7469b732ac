package dev.finescope.ui.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.Supplier;
import atlantafx.base.theme.PrimerDark;
import atlantafx.base.theme.PrimerLight;
import javafx.animation.PauseTransition;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.stage.Stage;
import javafx.util.Duration;
import javax.imageio.ImageIO;

/**
 * Shows one pane alone in a window and, when asked, writes a snapshot of it as PNG and exits: a way to look at
 * a pane as a user sees it ({@code xvfb-run} on a machine without a display). {@code -Dtheme=light} or
 * {@code dark} puts on AtlantaFX's Primer theme, as the app does.
 */
public final class PaneShot {

    private PaneShot() {
    }

    /**
     * Opens {@code pane} in a {@code width × height} window titled {@code title}; runs {@code afterShown} on
     * the FX thread once it is shown; with {@code png} set, snapshots the scene after {@code delay} and exits.
     */
    public static void show(String title, Supplier<Parent> pane, int width, int height, Consumer<Stage> afterShown,
            Path png, Duration delay) {
        Platform.startup(() -> {
            String theme = System.getProperty("theme", "");
            if (theme.equals("light")) {
                Application.setUserAgentStylesheet(new PrimerLight().getUserAgentStylesheet());
            } else if (theme.equals("dark")) {
                Application.setUserAgentStylesheet(new PrimerDark().getUserAgentStylesheet());
            }
            Stage stage = new Stage();
            stage.setTitle(title);
            stage.setScene(new Scene(pane.get(), width, height));
            stage.show();
            afterShown.accept(stage);
            if (png != null) {
                snapshotLater(stage.getScene(), png, delay);
            }
        });
    }

    /** After {@code delay}, writes a snapshot of {@code scene} as PNG and exits. */
    public static void snapshotLater(Scene scene, Path png, Duration delay) {
        PauseTransition wait = new PauseTransition(delay);
        wait.setOnFinished(e -> {
            try {
                ImageIO.write(SwingFXUtils.fromFXImage(scene.snapshot(null), null), "png", png.toFile());
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            Platform.exit();
            System.exit(0);
        });
        wait.play();
    }
}
