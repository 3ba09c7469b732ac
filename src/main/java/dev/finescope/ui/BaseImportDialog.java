package dev.finescope.ui;

import java.util.Objects;
import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.Modality;
import javafx.stage.Stage;
import javafx.stage.StageStyle;
import javafx.stage.Window;

/**
 * The first start's progress dialog: says in one sentence why the app waits (the built-in base model is being
 * imported, once), shows how far it is, and closes by itself when the import ends. It is not modal and the import
 * runs in the background, so the window behind it keeps drawing.
 */
final class BaseImportDialog {

    private final BaseImportViewModel vm;
    private final Stage stage = new Stage(StageStyle.UTILITY);

    BaseImportDialog(Window owner, BaseImportViewModel viewModel, String stylesheet) {
        this.vm = Objects.requireNonNull(viewModel, "viewModel");
        stage.initOwner(owner);
        stage.initModality(Modality.NONE);
        stage.setTitle("Preparing the built-in base model");
        stage.setResizable(false);

        Label headline = new Label();
        headline.setId("base-import-headline");
        headline.setWrapText(true);
        headline.setStyle("-fx-font-weight: bold;");
        headline.textProperty().bind(Bindings.concat("First start: importing the built-in base model ",
                vm.modelProperty(), " into your cache folder."));
        Label why = new Label("This happens once and takes a few seconds; the sample workspace opens when it is "
                + "done.");
        why.setWrapText(true);
        ProgressBar bar = new ProgressBar();
        bar.setId("base-import-progress");
        bar.setMaxWidth(Double.MAX_VALUE);
        bar.progressProperty().bind(vm.progressProperty());
        Label message = new Label();
        message.setId("base-import-message");
        message.getStyleClass().add("text-muted");
        message.textProperty().bind(vm.messageProperty());
        Button cancel = new Button("Cancel");
        cancel.setId("base-import-cancel");
        cancel.setOnAction(e -> vm.cancel());
        Region gap = new Region();
        HBox.setHgrow(gap, Priority.ALWAYS);
        VBox box = new VBox(10, headline, why, bar, message, new HBox(gap, cancel));
        box.setPadding(new Insets(16));
        box.setPrefWidth(460);
        box.setId("base-import-dialog");
        box.getStyleClass().add("finescope");
        // a frame of its own, so that it stands apart from the window even where no window manager draws one
        box.setStyle("-fx-border-color: -color-border-default, -color-accent-emphasis; -fx-border-width: 1, 3 0 0 0;");
        Scene scene = new Scene(box);
        scene.getStylesheets().add(stylesheet);
        stage.setScene(scene);
        stage.setOnCloseRequest(e -> vm.cancel());
        vm.runningProperty().addListener((obs, was, now) -> follow());
    }

    /** Shows the dialog while the import runs (once its owner is on screen), hides it after. */
    void follow() {
        if (vm.runningProperty().get() && stage.getOwner().isShowing()) {
            if (!stage.isShowing()) {
                stage.show();
            }
        } else if (!vm.runningProperty().get()) {
            stage.hide();
        }
    }
}
