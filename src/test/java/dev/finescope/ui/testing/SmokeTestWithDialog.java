package dev.finescope.ui.testing;

import dev.finescope.checkpoint.imports.BuiltinBase;
import dev.finescope.ui.FineScopeApp;
import java.nio.file.Path;
import java.util.Optional;
import javafx.application.Platform;
import javafx.scene.control.Alert;
import javafx.stage.Stage;

/**
 * The app as the packaged build's smoke test runs it ({@code -Dfinescope.smokeTest=true}), with a modal dialog
 * open when the first heatmap is drawn: the process must end by itself with exit code 0. Argument: the workspace.
 */
public final class SmokeTestWithDialog {

    private SmokeTestWithDialog() {
    }

    public static void main(String[] args) {
        BuiltinBase.register();
        Platform.startup(() -> {
            Stage stage = new Stage();
            new FineScopeApp().start(stage, Optional.of(Path.of(args[0])));
            Platform.runLater(() -> {
                Alert alert = new Alert(Alert.AlertType.INFORMATION, "a dialog that is open at the first heatmap");
                alert.initOwner(stage);
                alert.showAndWait();
            });
        });
    }
}
